import { describe, expect, it } from 'vitest';
import { inboundCommand } from '../../../../functions/cli/commands/inbound.ts';
import { MemoryOutput } from '../../../../functions/cli/output.ts';

describe('rekindle inbound classify', () => {
  it('prints the class, the deciding rule, the bounced recipient, the token and the action per message', async () => {
    const out = new MemoryOutput();
    const code = await inboundCommand.run(
      [
        'classify',
        'test/fixtures/inbound/sisimai/bsd__lhost-postfix-01.eml',
        'test/fixtures/inbound/sisimai/bsd__rfc3834-01.eml',
        '--local',
      ],
      out,
    );
    expect(code).toBe(0);
    const text = out.lines.join('\n');
    expect(text).toContain('class:    bounce');
    expect(text).toContain('rule:     message/delivery-status part (DSN)');
    expect(text).toContain('bounced:  r@p351355.pool.example.ne.jp 5.1.1 permanent');
    expect(text).toContain('class:    auto-reply');
    expect(text).toContain('token:    none');
  });

  it('says what a verified reply would do, as JSON', async () => {
    const out = new MemoryOutput();
    await inboundCommand.run(['classify', 'test/fixtures/inbound/gmail-multipart-qp.eml', '--json'], out);
    expect(JSON.parse(out.lines[0] ?? '{}')).toMatchObject({
      class: 'human-reply',
      action: 'end-enrolment-and-forward',
    });
  });

  it('reports a file it cannot read and exits 1', async () => {
    const out = new MemoryOutput();
    expect(await inboundCommand.run(['classify', 'no-such.eml'], out)).toBe(1);
    expect(out.errors[0]).toMatch(/^no-such\.eml: cannot read/);
  });
});
