import type { Command } from '../command.ts';
import { configSchemaCommand } from './config-schema.ts';
import { demoCommand } from './demo.ts';
import { devCommand } from './dev.ts';
import { validateCommand } from './validate.ts';

/** Every `rekindle` sub-command; each lives in its own file beside this one. */
export const commands: readonly Command[] = [configSchemaCommand, demoCommand, devCommand, validateCommand];
