/*
 * The composition root, gathered: the local runtime, the send worker and the CLI build their
 * handlers from here. A Lambda imports the one module of composition/ it needs, so its bundle
 * requires only its own SDK packages (composition/core.ts).
 */
export * from './composition/core.ts';
export * from './composition/mailer.ts';
export * from './composition/objects.ts';
export * from './composition/replies.ts';
export * from './composition/scheduling.ts';
export * from './composition/sending.ts';
