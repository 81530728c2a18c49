import type { Command, CommandEntry } from '../command.ts';

/**
 * Every `rekindle` sub-command, each in its own file beside this one and imported only when it
 * runs. The name and summary are repeated here for `rekindle help`; a unit test holds them equal
 * to the command's own.
 */
export const commands: readonly CommandEntry[] = [
  {
    name: 'config-schema',
    summary:
      'write the JSON Schema of the config (editor completion of fields, templates, sequences, time zones)',
    load: async () => (await import('./config-schema.ts')).configSchemaCommand,
  },
  {
    name: 'demo',
    summary: 'run the whole flow locally on emulators (segment, schedule, send, record, report)',
    load: async () => (await import('./demo.ts')).demoCommand,
  },
  {
    name: 'dev',
    summary: 'start the local emulators and handlers on real time until Ctrl+C',
    load: async () => (await import('./dev.ts')).devCommand,
  },
  {
    name: 'forget',
    summary: 'erase everything about a person (by email), keeping only a hashed do-not-contact tombstone',
    load: async () => (await import('./forget.ts')).forgetCommand,
  },
  {
    name: 'preview',
    summary: 'preview every template × locale × customer in a browser, with sequence timelines; send tests',
    load: async () => (await import('./preview.ts')).previewCommand,
  },
  {
    name: 'validate',
    summary:
      'check config/rekindle.yaml and every template: errors, and warnings for what is valid but likely wrong',
    load: async () => (await import('./validate.ts')).validateCommand,
  },
  {
    name: 'import',
    summary:
      'import customers, orders or incidents (CSV, JSONL, JSON, or a Shopify, Stripe or WooCommerce export) into the table; --check offline',
    load: async () => (await import('./import.ts')).importCommand,
  },
  {
    name: 'segment',
    summary: 'fit the model on a file and show who lands in which segment, and why',
    load: async () => (await import('./segment.ts')).segmentCommand,
  },
  {
    name: 'plan',
    summary:
      "run the config on the shop's own files in virtual time: who gets which email when, nothing sent",
    load: async () => (await import('./plan.ts')).planCommand,
  },
  {
    name: 'cdnow',
    summary: "convert CDNOW's transactions into the import's customers.csv and orders.csv",
    load: async () => (await import('./cdnow.ts')).cdnowCommand,
  },
  {
    name: 'sends',
    summary: 'list sends stuck between claim and confirmation; retry or confirm one',
    load: async () => (await import('./sends.ts')).sendsCommand,
  },
  {
    name: 'sequence',
    summary: 'resume a sequence paused for complaints',
    load: async () => (await import('./sequence.ts')).sequenceCommand,
  },
  {
    name: 'model fit',
    summary: 'fit BG/NBD, MBG/NBD or Pareto/NBD to purchase history',
    load: async () => (await import('./model.ts')).modelFitCommand,
  },
  {
    name: 'model score',
    summary: 'score customers: P(alive), expected purchases, likelihood of return',
    load: async () => (await import('./model.ts')).modelScoreCommand,
  },
  {
    name: 'model evaluate',
    summary: 'compare expected and actual purchases in a holdout period',
    load: async () => (await import('./model.ts')).modelEvaluateCommand,
  },
  {
    name: 'report',
    summary: 'show opens, clicks, replies, returns, revenue and the lift over the hold-out',
    load: async () => (await import('./report.ts')).reportCommand,
  },
  {
    name: 'lift',
    summary: 'measure a hold-out experiment from a CSV (group, returned, revenue, covariate)',
    load: async () => (await import('./lift.ts')).liftCommand,
  },
  {
    name: 'pause',
    summary: 'stop all sending now (--all, the kill switch) or one sequence (--sequence ID)',
    load: async () => (await import('./pause.ts')).pauseCommand,
  },
  {
    name: 'resume',
    summary: 'lift the kill switch (--all) or one sequence’s pause (--sequence ID)',
    load: async () => (await import('./pause.ts')).resumeCommand,
  },
  {
    name: 'inbound',
    summary: 'classify saved inbound messages: class, deciding rule, new text, token, and what would happen',
    load: async () => (await import('./inbound.ts')).inboundCommand,
  },
];

/** Every command, loaded: for tests and tools that need each one's usage. */
export function loadCommands(): Promise<Command[]> {
  return Promise.all(commands.map((entry) => entry.load()));
}
