/** The two errors of the sender's Liquid: a template it cannot parse, a render that failed. */

/** A template uses something this engine does not have, or is not well formed. */
export class LiquidSyntaxError extends Error {
  override readonly name = 'LiquidSyntaxError';
  constructor(
    message: string,
    /** The tag or output as written (`{% capture x %}`), and where it starts in `input`. */
    readonly source: string,
    readonly offset: number,
    /** The template's text. */
    readonly input: string,
  ) {
    super(message);
  }
}

/** Rendering failed: a variable the recipient does not have (strict), or a filter's own error. */
export class LiquidRenderError extends Error {
  override readonly name = 'LiquidRenderError';
  constructor(
    message: string,
    readonly source: string,
    readonly offset: number,
    readonly input: string,
    /** The variable path that was undefined (`incident` of `incident.kind`), when that was the failure. */
    readonly variable?: string,
    /** The value it was reading, as written (`incident.kind`). */
    readonly expression?: string,
  ) {
    super(message);
  }
}
