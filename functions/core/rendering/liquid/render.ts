/** A parsed template rendered with a recipient's variables, strictly. */

import { LiquidRenderError } from './errors.ts';
import type { Expression, FilteredValue } from './expression.ts';
import { elementAt, escapeHtml, filters } from './filters.ts';
import type { LiquidTemplate, Node } from './parse.ts';
import type { Token } from './tokenize.ts';
import { binaryOperators, equals, isFalsy, plain, Special, stringify } from './values.ts';

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
}

export function readProperty(object: unknown, key: unknown): unknown {
  if (object == null) return object;
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
          // nil, empty and blank have no properties, not even size.
          value = value instanceof Special ? undefined : readProperty(value, keys[i]);
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

export type Flow = 'break' | 'continue' | undefined;

export function renderNodes(nodes: readonly Node[], context: Context, out: string[]): Flow {
  for (const node of nodes) {
    const flow = renderNode(node, context, out);
    if (flow !== undefined) return flow;
  }
  return undefined;
}

export function renderNode(node: Node, context: Context, out: string[]): Flow {
  switch (node.kind) {
    case 'text':
      out.push(node.text);
      return undefined;
    case 'output': {
      const value = guarded(node.token, () => evaluateFiltered(node.value, context, false));
      const raw = node.value.filters.at(-1)?.name === 'raw';
      out.push(context.escape && !raw ? escapeHtml(value) : stringify(value));
      return undefined;
    }
    case 'if':
      for (const branch of node.branches) {
        const value = guarded(node.token, () => evaluateFiltered(branch.test, context, true));
        if (isFalsy(value) === branch.negate) return renderNodes(branch.body, context, out);
      }
      return renderNodes(node.otherwise, context, out);
    case 'case': {
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
            const flow = renderNodes(when.body, context, out);
            if (flow !== undefined) return flow;
            break;
          }
      return hit ? undefined : renderNodes(node.otherwise, context, out);
    }
    case 'for': {
      let items = toList(guarded(node.token, () => evaluate(node.collection, context, false)));
      if (items.length === 0) return renderNodes(node.otherwise, context, out);
      const modifier = (name: string) => {
        const found = node.modifiers[name];
        return found === undefined || found === true
          ? found
          : plain(guarded(node.token, () => evaluate(found, context, false)));
      };
      const offset = modifier('offset');
      const limit = modifier('limit');
      if (offset !== undefined) items = items.slice(offset as number);
      if (limit !== undefined) items = items.slice(0, limit as number);
      if (modifier('reversed') !== undefined) items = [...items].reverse();
      const length = items.length;
      const forloop = {
        name: `${node.variable}-${node.collectionText}`,
        length,
        index: 1,
        index0: 0,
      } as Record<string, unknown>;
      const scope: Record<string, unknown> = { forloop };
      context.scopes.push(scope);
      try {
        for (let i = 0; i < length; i += 1) {
          Object.assign(forloop, {
            index0: i,
            index: i + 1,
            first: i === 0,
            last: i === length - 1,
            rindex: length - i,
            rindex0: length - i - 1,
          });
          scope[node.variable] = items[i];
          if (renderNodes(node.body, context, out) === 'break') break;
        }
      } finally {
        context.scopes.pop();
      }
      return undefined;
    }
    case 'assign':
      (context.scopes[0] as Record<string, unknown>)[node.name] = guarded(node.token, () =>
        evaluateFiltered(node.value, context, true),
      );
      return undefined;
    case 'capture': {
      const captured: string[] = [];
      const flow = renderNodes(node.body, context, captured);
      (context.scopes[0] as Record<string, unknown>)[node.name] = captured.join('');
      return flow;
    }
    case 'break':
    case 'continue':
      return node.kind;
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
  renderNodes(template.nodes, { scopes: [{}], variables, escape: options.escape }, out);
  return out.join('');
}
