import { readFile } from 'node:fs/promises';
import { parseArgs } from 'node:util';
import { verifyReplyToken } from '../../core/domain/links.ts';
import { actionFor, classifyInbound, type InboundAction } from '../../core/inbound/classify.ts';
import { parseReply } from '../../core/inbound/parse-reply.ts';
import { replyTokenIn } from '../../core/inbound/receive-reply.ts';
import { extractNewText } from '../../core/inbound/reply-text.ts';
import { localNames } from '../../local/local-names.ts';
import { type Command, UsageError } from '../command.ts';

const usage = [
  'rekindle inbound classify FILE.eml… [--to ADDRESS] [--key-env NAME | --local] [--json]',
  '  --to       the envelope recipient (default: the r+token address in To, Cc or Delivered-To)',
  '  --key-env  environment variable holding the link signing key (default REKINDLE_LINK_SIGNING_KEY)',
  '  --local    verify with the local runtime’s key',
].join('\n');

/** What the stack does, in words, for an action; a reply and an unsubscribe need a verified token. */
const actionText: Record<InboundAction, string> = {
  'end-enrolment-and-forward': 'end the enrolment as `reply` and forward to support',
  unsubscribe: 'unsubscribe the customer',
  suppress: 'suppress the address (hard bounce) if it is the customer’s own, end its enrolments',
  complaint: 'suppress the customer’s address as a complaint, end its enrolments',
  nothing: 'nothing (kept on record)',
};

/** The r+token address among the header recipients, for a saved .eml without its envelope. */
function headerRecipients(headers: ReadonlyMap<string, string>): string[] {
  const values = ['delivered-to', 'to', 'cc', 'x-original-to'].map((name) => headers.get(name) ?? '');
  return values.join(',').match(/r\+[A-Za-z0-9.]{1,200}@[A-Za-z0-9.-]{1,255}/gi) ?? [];
}

/** `rekindle inbound classify`: why a saved message was (or would be) treated as it was. */
export const inboundCommand: Command = {
  name: 'inbound',
  summary: 'classify saved inbound messages: class, deciding rule, new text, token, and what would happen',
  usage,
  async run(argv, out) {
    const { values, positionals } = parseArgs({
      args: [...argv],
      options: {
        to: { type: 'string' },
        'key-env': { type: 'string' },
        local: { type: 'boolean' },
        json: { type: 'boolean' },
      },
      allowPositionals: true,
      strict: true,
    });
    const [sub, ...files] = positionals;
    if (sub !== 'classify' || files.length === 0)
      throw new UsageError('expected: inbound classify FILE.eml…');
    const keyEnv = values['key-env'] ?? 'REKINDLE_LINK_SIGNING_KEY';
    const signingKey = values.local ? localNames.linkSigningKey : process.env[keyEnv];
    let failed = 0;
    for (const file of files) {
      let raw: Uint8Array;
      try {
        raw = new Uint8Array(await readFile(file));
      } catch (error: unknown) {
        out.error(`${file}: cannot read (${error instanceof Error ? error.message : String(error)})`);
        failed += 1;
        continue;
      }
      let parsed: Awaited<ReturnType<typeof parseReply>>;
      try {
        parsed = await parseReply(raw);
      } catch (error: unknown) {
        out.error(`${file}: unreadable MIME (${error instanceof Error ? error.message : String(error)})`);
        failed += 1;
        continue;
      }
      const newText = extractNewText(parsed.body);
      const recipients = values.to === undefined ? headerRecipients(parsed.headers) : [values.to];
      const token = replyTokenIn(recipients, undefined);
      const verified =
        token === undefined
          ? undefined
          : signingKey === undefined
            ? null
            : verifyReplyToken(token, signingKey);
      const tokenText =
        token === undefined
          ? 'none (not addressed to a reply address: kept on record, nothing else)'
          : verified === null
            ? `present, not checked (set ${keyEnv} or pass --local)`
            : verified === undefined
              ? 'FORGED or altered (rejected before classification)'
              : `verified: customer ${verified.customerId}, step ${verified.stepIndex}`;
      const classification = classifyInbound({ ...parsed, newText, raw });
      const action = actionFor(classification);
      if (values.json) {
        out.json({ file, ...classification, newText, token: tokenText, action });
        continue;
      }
      out.line(`${file}`);
      out.line(`  class:    ${classification.class}`);
      out.line(`  rule:     ${classification.rule}`);
      for (const entry of classification.bounced ?? [])
        out.line(
          `  bounced:  ${entry.address} ${entry.status || '(no status)'}${entry.permanent ? ' permanent' : ''}`,
        );
      if (classification.alsoAsksToStop !== undefined)
        out.line(
          `  note:     also asks to stop (${classification.alsoAsksToStop}); forwarded, not unsubscribed`,
        );
      out.line(`  token:    ${tokenText}`);
      out.line(`  action:   ${token === undefined ? actionText.nothing : actionText[action]}`);
      const shown = newText.length > 600 ? `${newText.slice(0, 600)}…` : newText;
      out.line(`  new text: ${shown === '' ? '(none)' : shown.replace(/\n/g, '\n            ')}`);
      out.line('');
    }
    return failed === 0 ? 0 : 1;
  },
};
