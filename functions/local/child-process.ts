import type { ChildProcess } from 'node:child_process';

/**
 * Asks a local emulator's process to stop (`ask`), waits for it to exit, and kills it if it has not
 * within five seconds. Resolves at once if it has already exited.
 */
export function stopChild(child: ChildProcess, ask: (child: ChildProcess) => void): Promise<void> {
  return new Promise<void>((resolve) => {
    if (child.exitCode !== null || child.signalCode !== null) return resolve();
    const timer = setTimeout(() => child.kill('SIGKILL'), 5_000);
    child.once('exit', () => {
      clearTimeout(timer);
      resolve();
    });
    ask(child);
  });
}
