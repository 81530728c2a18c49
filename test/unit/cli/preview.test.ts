import { describe, expect, it } from 'vitest';
import { main } from '../../../functions/cli/main.ts';
import { MemoryOutput } from '../../../functions/cli/output.ts';

describe('rekindle preview refuses what it cannot use, in one line, before starting anything', () => {
  for (const [argv, message] of [
    [['--send-to', 'not-an-address'], '--send-to must be an email address, got "not-an-address"'],
    [['--customers', 'customers.csv'], '--customers and --orders go together'],
    [['--days', '0'], '--days must be a whole number from 1 to 366, got "0"'],
    [['--start', 'tomorrow'], '--start must be a date YYYY-MM-DD, got "tomorrow"'],
    [
      ['--customers', 'no/such/customers.csv', '--orders', 'no/such/orders.csv'],
      'cannot read no/such/customers.csv: no such file',
    ],
  ] as const) {
    it(`${argv.join(' ')}`, async () => {
      const out = new MemoryOutput();

      expect(await main(['preview', ...argv], out)).toBe(2);
      expect(out.errors[0]).toContain(message);
      expect(out.errors.join('\n')).not.toMatch(/\n\s+at /);
      expect(out.lines).toEqual([]);
    });
  }
});
