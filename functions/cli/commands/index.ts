import type { Command } from '../command.ts';
import { configSchemaCommand } from './config-schema.ts';
import { demoCommand } from './demo.ts';
import { devCommand } from './dev.ts';
import { forgetCommand } from './forget.ts';
import { importCommand } from './import.ts';
import { inboundCommand } from './inbound.ts';
import { liftCommand } from './lift.ts';
import { modelEvaluateCommand, modelFitCommand, modelScoreCommand } from './model.ts';
import { pauseCommand, resumeCommand } from './pause.ts';
import { previewCommand } from './preview.ts';
import { reportCommand } from './report.ts';
import { segmentCommand } from './segment.ts';
import { sendsCommand } from './sends.ts';
import { sequenceCommand } from './sequence.ts';
import { validateCommand } from './validate.ts';

/** Every `rekindle` sub-command; each lives in its own file beside this one. */
export const commands: readonly Command[] = [
  configSchemaCommand,
  demoCommand,
  devCommand,
  forgetCommand,
  previewCommand,
  validateCommand,
  importCommand,
  segmentCommand,
  sendsCommand,
  sequenceCommand,
  modelFitCommand,
  modelScoreCommand,
  modelEvaluateCommand,
  reportCommand,
  liftCommand,
  pauseCommand,
  resumeCommand,
  inboundCommand,
];
