import { describe, expect, it } from 'vitest';
import { commands, loadCommands } from '../../../functions/cli/commands/index.ts';
import { main } from '../../../functions/cli/main.ts';
import { MemoryOutput } from '../../../functions/cli/output.ts';

const loaded = await loadCommands();

describe('the command list', () => {
  it('names and summarises each command as the command itself does, so help and --help agree', () => {
    expect(commands.map(({ name, summary }) => ({ name, summary }))).toEqual(
      loaded.map(({ name, summary }) => ({ name, summary })),
    );
  });

  it('loads no command module for "help"', async () => {
    const out = new MemoryOutput();
    const unloadable = commands.map((entry) => ({
      ...entry,
      load: () => Promise.reject(new Error(`${entry.name} was loaded`)),
    }));

    expect(await main(['help'], out, unloadable)).toBe(0);
    expect(out.lines.join('\n')).toContain('model evaluate');
  });
});

describe('every rekindle command', () => {
  for (const command of loaded) {
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

describe('a config that cannot be read', () => {
  for (const argv of [
    ['demo', '--config', 'no/such/rekindle.yaml'],
    ['validate', '--config', 'no/such/rekindle.yaml'],
    ['validate', '--templates', 'no/such/templates'],
  ]) {
    it(`"${argv.join(' ')}" names what it could not read, exits 1, and shows no stack trace`, async () => {
      const out = new MemoryOutput();
      const code = await main(argv, out);
      expect(code).toBe(1);
      const text = out.errors.join('\n');
      expect(text).toContain(argv.at(-1));
      expect(text).toMatch(/cannot read the (config file|templates folder) .* \(ENOENT\)/);
      expect(text).not.toMatch(/\n\s+at /);
    });
  }
});
