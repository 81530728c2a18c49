import type { Command } from '../command.ts';
import { demoCommand } from './demo.ts';
import { validateCommand } from './validate.ts';

/** Every `rekindle` sub-command; each lives in its own file beside this one. */
export const commands: readonly Command[] = [
  demoCommand,
  validateCommand,
];
