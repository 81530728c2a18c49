/**
 * Personal data kept out of logs and stored errors: an email address in any text (an SES
 * `MessageRejected` names the recipient, a customer id may be an address) becomes `<address>`.
 * Linear: a match starts only where a run of address characters starts, and each part is bounded.
 */
const ADDRESS =
  /(?<![\p{L}\p{N}._%+'=-])[\p{L}\p{N}._%+'=-]{1,64}@[\p{L}\p{N}-]{1,63}(?:\.[\p{L}\p{N}-]{1,63}){1,8}/gu;

/** `text` with every email address replaced by `<address>`. */
export function redactAddresses(text: string): string {
  return text.includes('@') ? text.replace(ADDRESS, '<address>') : text;
}

/** A JSON replacer for log lines: every string value redacted (Powertools' `jsonReplacerFn`). */
export function redactingReplacer(_key: string, value: unknown): unknown {
  return typeof value === 'string' ? redactAddresses(value) : value;
}
