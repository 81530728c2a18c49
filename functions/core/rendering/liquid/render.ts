/** A parsed template rendered with a recipient's variables, strictly. */

import { LiquidRenderError } from './errors.ts';
import type { Expression, FilteredValue } from './expression.ts';
import { elementAt, escapeHtml, filters } from './filters.ts';
import type { LiquidTemplate, Node } from './parse.ts';
import type { Token } from './tokenize.ts';
import { binaryOperators, Drop, equals, Forloop, isFalsy, plain, stringify } from './values.ts';

export class UndefinedVariable extends Error {
  constructor(
    readonly path: string,
    /** The value being read, as written (`incident.kind`). */
    readonly expression: string,
  ) {
    super(`undefined variable: ${path}`);
  }
}

export interface Context {
  /** Assigned and captured variables (liquidjs's bottom scope), loop scopes above them. */
  readonly scopes: Record<string, unknown>[];
  readonly variables: Readonly<Record<string, unknown>>;
  readonly escape: boolean;
  /**
   * A break or continue on its way out to its loop: as liquidjs's flags, each list of nodes stops
   * after the node that set it (and a later matching `when` still renders its first node).
   */
  flow?: 'break' | 'continue';
  /** Where each loop stopped, for `offset: continue` (liquidjs's registers). */
  readonly stops: Map<string, unknown>;
}

export function readProperty(object: unknown, key: unknown): unknown {
  if (object == null) return object;
  if (object instanceof Drop) return object.property(key);
  if (Array.isArray(object) && typeof key === 'number') return elementAt(object, key);
  const owner = object as Record<string, unknown>;
  const name = key as string;
  const value = Object.hasOwn(owner, name) ? owner[name] : undefined;
  if (key === 'size') {
    if (Object.hasOwn(owner, 'size') || owner.size !== undefined) return owner.size;
    if (Array.isArray(object) || typeof object === 'string') return object.length;
    return typeof object === 'object' ? Object.keys(object).length : undefined;
  }
  if (key === 'first' || key === 'last') {
    if (Array.isArray(object)) return elementAt(object, key === 'first' ? 0 : -1);
    return Object.hasOwn(owner, name) ? owner[name] : undefined;
  }
  return typeof value === 'function' ? undefined : value;
}

export function lookUp(context: Context, name: string): unknown {
  for (let i = context.scopes.length - 1; i >= 0; i -= 1) {
    const scope = context.scopes[i] as Record<string, unknown>;
    if (Object.hasOwn(scope, name)) return scope[name];
  }
  return Object.hasOwn(context.variables, name) ? context.variables[name] : undefined;
}

export function evaluate(expression: Expression, context: Context, lenient: boolean): unknown {
  switch (expression.kind) {
    case 'literal':
      return expression.value;
    case 'range': {
      const low = +(plain(evaluate(expression.low, context, false)) as number);
      const high = +(plain(evaluate(expression.high, context, false)) as number);
      const values: number[] = [];
      for (let value = low; value < high + 1; value += 1) values.push(value);
      return values;
    }
    case 'path': {
      const keys = expression.properties.map((property) => plain(evaluate(property, context, false)));
      try {
        let value: unknown;
        let first = 0;
        if (expression.base === undefined) {
          value = lookUp(context, String(keys[0]));
          if (value === undefined) throw new UndefinedVariable(String(keys[0]), expression.text);
          first = 1;
        } else value = evaluate(expression.base, context, lenient);
        for (let i = first; i < keys.length; i += 1) {
          value = readProperty(value, keys[i]);
          if (value === undefined)
            throw new UndefinedVariable(keys.slice(0, i + 1).join('.'), expression.text);
        }
        return value;
      } catch (error: unknown) {
        if (lenient && error instanceof UndefinedVariable) return null;
        throw error;
      }
    }
    case 'operations': {
      const stack: unknown[] = [];
      for (const item of expression.postfix) {
        if (typeof item !== 'string') {
          stack.push(evaluate(item, context, lenient));
          continue;
        }
        const right = stack.pop();
        if (item === 'not') {
          stack.push(isFalsy(right));
          continue;
        }
        const left = stack.pop();
        stack.push((binaryOperators[item] as (l: unknown, r: unknown) => boolean)(left, right));
      }
      return stack[0];
    }
  }
}

export const isPair = (
  arg: Expression | readonly [string, Expression],
): arg is readonly [string, Expression] => Array.isArray(arg);
/** Filters liquidjs refuses with another number of arguments. */
export const exactArity: Readonly<Record<string, number>> = { append: 1, prepend: 1 };

export function evaluateFiltered(value: FilteredValue, context: Context, lenient: boolean): unknown {
  // lenientIf also spares a value whose first filter is `default`.
  let result = evaluate(value.initial, context, lenient || value.filters[0]?.name === 'default');
  for (const filter of value.filters) {
    // Arguments as liquidjs passes them: evaluated strictly, `nil` and `empty` still themselves.
    const args = filter.args.map((arg) =>
      isPair(arg) ? [arg[0], evaluate(arg[1], context, false)] : evaluate(arg, context, false),
    );
    const arity = exactArity[filter.name];
    if (arity !== undefined && args.length !== arity)
      throw new Error(`${filter.name} expect ${arity + 1} arguments`);
    result = (filters[filter.name] as (value: unknown, ...args: unknown[]) => unknown)(result, ...args);
  }
  return result;
}

export function toList(value: unknown): unknown[] {
  const inner = plain(value);
  if (Array.isArray(inner)) return inner;
  if (typeof inner === 'string') return inner.length > 0 ? [inner] : [];
  if (typeof inner === 'object' && inner !== null) return Object.entries(inner);
  return [];
}

export function renderNodes(nodes: readonly Node[], context: Context, out: string[]): void {
  for (const node of nodes) {
    renderNode(node, context, out);
    if (context.flow !== undefined) return;
  }
}

export function renderNode(node: Node, context: Context, out: string[]): void {
  switch (node.kind) {
    case 'text':
      out.push(node.text);
      return;
    case 'output': {
      const value = guarded(node.token, () => evaluateFiltered(node.value, context, false));
      const raw = node.value.filters.at(-1)?.name === 'raw';
      out.push(context.escape && !raw ? escapeHtml(value) : stringify(value));
      return;
    }
    case 'if':
      for (const branch of node.branches) {
        const value = guarded(node.token, () => evaluateFiltered(branch.test, context, true));
        if (isFalsy(value) === branch.negate) {
          renderNodes(branch.body, context, out);
          return;
        }
      }
      renderNodes(node.otherwise, context, out);
      return;
    case 'case': {
      // Every matching when renders, as in liquidjs; the else only when none matched.
      const target = plain(guarded(node.token, () => evaluateFiltered(node.value, context, true)));
      let hit = false;
      for (const when of node.whens)
        for (const candidate of when.values)
          if (
            equals(
              target,
              guarded(node.token, () => evaluate(candidate, context, true)),
            )
          ) {
            hit = true;
            renderNodes(when.body, context, out);
            break;
          }
      if (!hit) renderNodes(node.otherwise, context, out);
      return;
    }
    case 'for':
      renderLoop(node, context, out);
      return;
    case 'assign':
      (context.scopes[0] as Record<string, unknown>)[node.name] = guarded(node.token, () =>
        evaluateFiltered(node.value, context, true),
      );
      return;
    case 'capture': {
      const captured: string[] = [];
      renderNodes(node.body, context, captured);
      (context.scopes[0] as Record<string, unknown>)[node.name] = captured.join('');
      return;
    }
    case 'break':
    case 'continue':
      context.flow = node.kind;
      return;
  }
}

function renderLoop(node: Extract<Node, { kind: 'for' }>, context: Context, out: string[]): void {
  let items = toList(guarded(node.token, () => evaluate(node.collection, context, false)));
  if (items.length === 0) {
    renderNodes(node.otherwise, context, out);
    return;
  }
  // `offset: continue` reads where the same loop stopped last time.
  const stopKey = `${node.variable}-${node.collectionText}`;
  context.scopes.push({ continue: context.stops.get(stopKey) ?? {} });
  const modifier = (name: string) => {
    const found = node.modifiers[name];
    return found === undefined || found === true
      ? found
      : plain(guarded(node.token, () => evaluate(found, context, false)));
  };
  const offset = modifier('offset');
  const limit = modifier('limit');
  const reversed = modifier('reversed');
  context.scopes.pop();
  if (offset !== undefined) items = items.slice(offset as number);
  if (limit !== undefined) items = items.slice(0, limit as number);
  if (reversed !== undefined) items = [...items].reverse();
  // liquidjs's arithmetic, whatever offset was.
  context.stops.set(stopKey, ((offset || 0) as number) + items.length);
  const forloop = new Forloop(items.length, stopKey);
  const scope: Record<string, unknown> = { forloop };
  context.scopes.push(scope);
  try {
    for (const item of items) {
      scope[node.variable] = item;
      context.flow = undefined;
      renderNodes(node.body, context, out);
      if (context.flow === 'break') break;
      forloop.i += 1;
    }
  } finally {
    context.flow = undefined;
    context.scopes.pop();
  }
}

/** Runs `evaluate`, turning an undefined variable into a LiquidRenderError at `token`. */
export function guarded<T>(token: Token, evaluate: () => T): T {
  try {
    return evaluate();
  } catch (error: unknown) {
    if (error instanceof UndefinedVariable)
      throw new LiquidRenderError(
        error.message,
        token.source,
        token.offset,
        token.input,
        error.path,
        error.expression,
      );
    if (error instanceof LiquidRenderError) throw error;
    throw new LiquidRenderError(
      `${error instanceof Error ? error.message : String(error)}`,
      token.source,
      token.offset,
      token.input,
    );
  }
}

/**
 * Renders `template` with `variables`; `escape` HTML-escapes every output (liquidjs's
 * `outputEscape: 'escape'`) except one whose last filter is `raw`.
 */
export function renderLiquid(
  template: LiquidTemplate,
  variables: Readonly<Record<string, unknown>>,
  options: { readonly escape: boolean },
): string {
  const out: string[] = [];
  renderNodes(template.nodes, { scopes: [{}], variables, escape: options.escape, stops: new Map() }, out);
  return out.join('');
}
