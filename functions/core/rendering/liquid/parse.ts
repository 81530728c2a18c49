/** Tokens into the tree of tags a template renders from. */

import { LiquidSyntaxError } from './errors.ts';
import { type Expression, type FilteredValue, isWordChar, Reader } from './expression.ts';
import { type Token, tokenize } from './tokenize.ts';

/** Tags a template may use. */
export const liquidTags = [
  'if',
  'elsif',
  'else',
  'endif',
  'unless',
  'endunless',
  'case',
  'when',
  'endcase',
  'for',
  'endfor',
  'break',
  'continue',
  'assign',
  'capture',
  'endcapture',
  'comment',
  'endcomment',
  'raw',
  'endraw',
  '#',
] as const;

export type Node =
  | { readonly kind: 'text'; readonly text: string }
  | { readonly kind: 'output'; readonly value: FilteredValue; readonly token: Token }
  | {
      readonly kind: 'if';
      readonly branches: readonly { test: FilteredValue; negate: boolean; body: Node[] }[];
      readonly otherwise: Node[];
      readonly token: Token;
    }
  | {
      readonly kind: 'case';
      readonly value: FilteredValue;
      readonly whens: readonly { values: Expression[]; body: Node[] }[];
      readonly otherwise: Node[];
      readonly token: Token;
    }
  | {
      readonly kind: 'for';
      readonly variable: string;
      readonly collection: Expression;
      readonly collectionText: string;
      readonly modifiers: Readonly<Record<string, Expression | true>>;
      readonly body: Node[];
      readonly otherwise: Node[];
      readonly token: Token;
    }
  | { readonly kind: 'assign'; readonly name: string; readonly value: FilteredValue; readonly token: Token }
  | { readonly kind: 'capture'; readonly name: string; readonly body: Node[] }
  | { readonly kind: 'break' | 'continue' };

/** A parsed template, ready to render any number of times. */
export interface LiquidTemplate {
  readonly nodes: readonly Node[];
}

export const fail = (token: Token, message: string): never => {
  throw new LiquidSyntaxError(`${message}: ${token.source}`, token.source, token.offset, token.input);
};

export const readerOf = (token: Token) => new Reader(token.content, token.source, token.offset, token.input);

export function expectEmpty(token: Token) {
  if (token.content.trim() !== '') fail(token, `unexpected ${JSON.stringify(token.content.trim())}`);
}

export function readFilteredValue(token: Token): FilteredValue {
  const reader = readerOf(token);
  const value = reader.filteredValue();
  return value;
}

export class Parser {
  position = 0;
  constructor(readonly tokens: readonly Token[]) {}

  /** Nodes until one of `ends` (returned, consumed) or the end of the template (when `ends` is empty). */
  nodes(ends: readonly string[], opener?: Token): { nodes: Node[]; end?: Token } {
    const nodes: Node[] = [];
    while (this.position < this.tokens.length) {
      const token = this.tokens[this.position] as Token;
      this.position += 1;
      if (token.kind === 'text') {
        // Kept when whitespace control emptied it: liquidjs renders it, and a break stops after it.
        nodes.push({ kind: 'text', text: token.content });
        continue;
      }
      if (token.kind === 'output') {
        nodes.push({ kind: 'output', value: readFilteredValue(token), token });
        continue;
      }
      if (ends.includes(token.name)) return { nodes, end: token };
      nodes.push(...this.tag(token));
    }
    if (opener !== undefined) fail(opener, `tag ${opener.source} not closed`);
    return { nodes };
  }

  /** Nodes until one of `ends`, appended to `target`; returns the end. */
  appendTo(target: Node[], ends: readonly string[], opener: Token): Token | undefined {
    const { nodes, end } = this.nodes(ends, opener);
    target.push(...nodes);
    return end;
  }

  tag(token: Token): Node[] {
    switch (token.name) {
      case 'if':
      case 'unless':
        return [this.conditional(token)];
      case 'case':
        return [this.caseTag(token)];
      case 'for':
        return [this.forTag(token)];
      case 'assign': {
        const match = /^\s*([^\s=]+)\s*=([\s\S]*)$/.exec(token.content);
        const name = match?.[1] ?? '';
        if (match === undefined || match === null || !/^[^\s]+$/.test(name) || ![...name].every(isWordChar))
          return fail(token, 'expected "name = value"');
        const value = new Reader(match[2] ?? '', token.source, token.offset, token.input).filteredValue();
        return [{ kind: 'assign', name, value, token }];
      }
      case 'capture': {
        const reader = readerOf(token);
        const name = reader.identifier() || (reader.quoted() as { value: string } | undefined)?.value;
        if (!name) return fail(token, 'invalid capture name');
        const { nodes } = this.nodes(['endcapture'], token);
        return [{ kind: 'capture', name, body: nodes }];
      }
      case 'break':
      case 'continue':
        return [{ kind: token.name }];
      case 'comment':
        // Skipped unparsed, to the first endcomment, as liquidjs does.
        while (this.position < this.tokens.length) {
          const next = this.tokens[this.position] as Token;
          this.position += 1;
          if (next.kind === 'tag' && next.name === 'endcomment') return [];
        }
        return fail(token, `tag ${token.source} not closed`);
      case 'raw': {
        const { nodes } = this.nodes(['endraw'], token);
        return nodes;
      }
      case '#':
        return [];
      default:
        return fail(
          token,
          liquidTags.includes(token.name as (typeof liquidTags)[number])
            ? `unexpected tag "${token.name}"`
            : `the tag "${token.name}" is not one the sender has (${liquidTags.filter((tag) => !tag.startsWith('end')).join(', ')})`,
        );
    }
  }

  conditional(opener: Token): Node {
    if (opener.name === 'if') return this.ifTag(opener);
    // unless keeps liquidjs's leniency: text after a second else is dropped, an elsif after else is skipped.
    const branches: { test: FilteredValue; negate: boolean; body: Node[] }[] = [];
    const otherwise: Node[] = [];
    let target: Node[] = [];
    branches.push({ test: readFilteredValue(opener), negate: true, body: target });
    let elses = 0;
    for (;;) {
      const { nodes, end } = this.nodes(['elsif', 'else', 'endunless'], opener);
      if (target !== otherwise || elses === 1) target.push(...nodes);
      if (end === undefined || end.name === 'endunless') break;
      if (end.name === 'else') {
        elses += 1;
        target = otherwise;
      } else if (elses > 0) target = [];
      else {
        target = [];
        branches.push({ test: readFilteredValue(end), negate: false, body: target });
      }
    }
    return { kind: 'if', branches, otherwise, token: opener };
  }

  ifTag(opener: Token): Node {
    const branches: { test: FilteredValue; negate: boolean; body: Node[] }[] = [];
    let test = readFilteredValue(opener);
    let otherwise: Node[] | undefined;
    for (;;) {
      const { nodes, end: stop } = this.nodes(['elsif', 'else', 'endif'], opener);
      if (otherwise === undefined) branches.push({ test, negate: false, body: nodes });
      else otherwise.push(...nodes);
      if (stop === undefined || stop.name === 'endif') {
        if (stop !== undefined) expectEmpty(stop);
        break;
      }
      if (stop.name === 'elsif') {
        if (otherwise !== undefined) fail(stop, 'unexpected elsif after else');
        test = readFilteredValue(stop);
      } else {
        if (otherwise !== undefined) fail(stop, 'duplicated else');
        expectEmpty(stop);
        otherwise = [];
      }
    }
    return { kind: 'if', branches, otherwise: otherwise ?? [], token: opener };
  }

  caseTag(opener: Token): Node {
    const value = readFilteredValue(opener);
    const whens: { values: Expression[]; body: Node[] }[] = [];
    const otherwise: Node[] = [];
    // As liquidjs: what comes before the first when is never rendered; a when after else is
    // skipped (its text goes on into the else), and text after a second else is dropped.
    let target: Node[] = [];
    let elses = 0;
    for (;;) {
      const { nodes, end } = this.nodes(['when', 'else', 'endcase'], opener);
      if (target !== otherwise || elses === 1) target.push(...nodes);
      if (end === undefined || end.name === 'endcase') break;
      if (end.name === 'else') {
        elses += 1;
        target = otherwise;
        continue;
      }
      if (elses > 0) continue;
      const reader = readerOf(end);
      const values: Expression[] = [];
      // As liquidjs: values separated by "," or else by whatever runs to the next "or".
      reader.skipBlank();
      while (!reader.end()) {
        values.push(reader.value() ?? reader.fail('invalid value'));
        reader.skipBlank();
        if (reader.peek() === ',') reader.position += 1;
        else {
          const or = reader.text.indexOf('or', reader.position);
          reader.position = or < 0 ? reader.text.length : or + 2;
        }
        reader.skipBlank();
      }
      target = [];
      whens.push({ values, body: target });
    }
    return { kind: 'case', value, whens, otherwise, token: opener };
  }

  forTag(opener: Token): Node {
    const reader = readerOf(opener);
    const variable = reader.identifier();
    const keyword = reader.identifier();
    const start = reader.position;
    const collection = reader.value();
    if (variable === '' || keyword !== 'in' || collection === undefined) return fail(opener, 'illegal tag');
    const collectionText = reader.text.slice(start, reader.position).trim();
    const modifiers: Record<string, Expression | true> = {};
    for (;;) {
      reader.skipBlank();
      if (reader.peek() === ',') reader.position += 1;
      const name = reader.identifier();
      if (name === '') break;
      reader.skipBlank();
      if (reader.peek() === ':') {
        reader.position += 1;
        // As liquidjs: `limit:` with no value is true.
        modifiers[name] = reader.value() ?? true;
      } else modifiers[name] = true;
    }
    reader.skipBlank();
    if (!reader.end()) reader.fail('unexpected characters');
    // Modifiers other than limit, offset and reversed are ignored, as liquidjs ignores them.
    const { nodes: body, end: first } = this.nodes(['else', 'endfor'], opener);
    const otherwise: Node[] = [];
    // As liquidjs: a second else goes on adding to the first; endfor takes no arguments.
    let end = first;
    while (end?.name === 'else') {
      expectEmpty(end);
      end = this.appendTo(otherwise, ['else', 'endfor'], opener);
    }
    if (end !== undefined) expectEmpty(end);
    return { kind: 'for', variable, collection, collectionText, modifiers, body, otherwise, token: opener };
  }
}

/** Parses a template; a LiquidSyntaxError names the tag or filter the sender does not have. */
export function parseLiquid(source: string): LiquidTemplate {
  const parser = new Parser(tokenize(source));
  const { nodes, end } = parser.nodes([]);
  if (end !== undefined) fail(end, `unexpected tag "${end.name}"`);
  return { nodes };
}
