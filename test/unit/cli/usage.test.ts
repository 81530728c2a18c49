import { describe, expect, it } from 'vitest';
import { commands } from '../../../functions/cli/commands/index.ts';
import { main } from '../../../functions/cli/main.ts';
import { MemoryOutput } from '../../../functions/cli/output.ts';

describe('every rekindle command', () => {
  for (const command of commands) {
    it(`"${command.name} --help" prints its usage and exits 0`, async () => {
      const out = new MemoryOutput();
      const code = await main([...command.name.split(' '), '--help'], out);
      expect(code).toBe(0);
      expect(out.lines.join('\n')).toContain(`Usage: ${command.usage}`);
    });

    it(`"${command.name} --no-such-option" names the option and shows the usage, without a stack trace`, async () => {
      const out = new MemoryOutput();
      const code = await main([...command.name.split(' '), '--no-such-option'], out);
      expect(code).toBe(2);
      const text = out.errors.join('\n');
      expect(text).toContain('--no-such-option');
      expect(text).toContain(`Usage: ${command.usage}`);
      expect(text).not.toMatch(/\n\s+at /);
    });
  }
});
