/** A template split into text, outputs and tags, with liquidjs's whitespace control. */

import { LiquidSyntaxError } from './errors.ts';
import { isBlank, isWordChar } from './expression.ts';

export interface Token {
  readonly kind: 'text' | 'output' | 'tag';
  /** Text: the text; output: what is between the braces; tag: its arguments. */
  readonly content: string;
  readonly name: string;
  /** The token as written, and where it starts. */
  readonly source: string;
  readonly offset: number;
  /** The whole template. */
  readonly input: string;
  readonly trimLeft: boolean;
  readonly trimRight: boolean;
}

/**
 * Finds `delimiter` from `from`; -1 if it is never there. An output's quoted strings are skipped,
 * a tag's are not: liquidjs ends `{% if "%}" %}` at the first `%}`.
 */
export function closingDelimiter(
  input: string,
  from: number,
  delimiter: string,
  respectQuotes: boolean,
): number {
  let position = from;
  while (isBlank(input[position])) position += 1;
  while (position < input.length) {
    const char = input[position];
    if (respectQuotes && (char === '"' || char === "'")) {
      position += 1;
      while (position < input.length && input[position] !== char)
        position += input[position] === '\\' ? 2 : 1;
      position += 1;
      continue;
    }
    position += 1;
    if (input.startsWith(delimiter, position - delimiter.length) && position - delimiter.length >= from)
      return position;
  }
  return -1;
}

const textToken = (content: string, offset: number, input: string): Token => ({
  kind: 'text',
  content,
  name: '',
  source: content,
  offset,
  input,
  trimLeft: false,
  trimRight: false,
});

export function tokenize(input: string): Token[] {
  const tokens: { -readonly [K in keyof Token]: Token[K] }[] = [];
  let position = 0;
  let rawStart = -1;
  while (position < input.length) {
    if (rawStart >= 0) {
      // The raw block's content runs to the first {% endraw %} (written without a dash, as liquidjs reads it).
      const end = /\{%[\t\n\v\f\r ]*endraw(?![A-Za-z0-9_?-])[\s\S]*?%\}/g;
      end.lastIndex = position;
      const found = end.exec(input);
      if (found === null)
        throw new LiquidSyntaxError('raw not closed', input.slice(rawStart, rawStart + 20), rawStart, input);
      const content = input.slice(position, found.index);
      tokens.push(textToken(content, position, input));
      position = found.index;
      rawStart = -1;
      continue;
    }
    const isTag = input.startsWith('{%', position);
    const isOutput = !isTag && input.startsWith('{{', position);
    if (!isTag && !isOutput) {
      let next = input.length;
      for (const opener of ['{%', '{{']) {
        const at = input.indexOf(opener, position);
        if (at >= 0 && at < next) next = at;
      }
      const content = input.slice(position, next);
      tokens.push(textToken(content, position, input));
      position = next;
      continue;
    }
    const close = isTag ? '%}' : '}}';
    const end = closingDelimiter(input, position + 2, close, !isTag);
    const snippet = input.slice(position, position + 40);
    if (end < 0)
      throw new LiquidSyntaxError(
        `${isTag ? 'tag' : 'output'} ${snippet} not closed`,
        snippet,
        position,
        input,
      );
    const source = input.slice(position, end);
    let inner = source.slice(2, -2);
    const trimLeft = inner.startsWith('-');
    if (trimLeft) inner = inner.slice(1);
    const trimRight = inner.endsWith('-');
    if (trimRight) inner = inner.slice(0, -1);
    let name = '';
    let content = inner;
    if (isTag) {
      const trimmed = inner.replace(/^[\t\n\v\f\r ]+/, '');
      if (trimmed.startsWith('#')) {
        name = '#';
        content = '';
      } else {
        let length = 0;
        while (isWordChar(trimmed[length])) length += 1;
        name = trimmed.slice(0, length);
        content = trimmed.slice(name.length);
      }
      if (name === 'raw') rawStart = end;
    }
    tokens.push({
      kind: isTag ? 'tag' : 'output',
      content,
      name,
      source,
      offset: position,
      input,
      trimLeft,
      trimRight,
    });
    position = end;
  }
  // Whitespace control: {%- and {{- trim the text before, -%} and -}} the text after (all blanks).
  // Inside {% raw %} nothing is trimmed.
  let inRaw = false;
  for (let i = 0; i < tokens.length; i += 1) {
    const token = tokens[i] as Token;
    const before = tokens[i - 1];
    const after = tokens[i + 1];
    if (token.kind === 'text') continue;
    if (!inRaw && token.trimLeft && before?.kind === 'text') {
      let end = before.content.length;
      while (end > 0 && isBlank(before.content[end - 1])) end -= 1;
      before.content = before.content.slice(0, end);
    }
    if (token.kind === 'tag' && token.name === 'raw') inRaw = true;
    else if (token.kind === 'tag' && token.name === 'endraw') inRaw = false;
    if (!inRaw && token.trimRight && after?.kind === 'text') {
      let start = 0;
      while (start < after.content.length && isBlank(after.content[start])) start += 1;
      after.content = after.content.slice(start);
    }
  }
  return tokens;
}
