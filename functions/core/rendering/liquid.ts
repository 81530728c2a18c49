/**
 * The Liquid the sender runs. It renders what liquidjs 10 renders with the options every message
 * is built with (`strictVariables`, `strictFilters`, `lenientIf`, and `outputEscape: 'escape'` for
 * HTML), for the tags and filters of `liquidTags` and `liquidFilters` (docs/templates.md lists them);
 * anything else is a LiquidSyntaxError. The build renders every template with both and refuses one
 * they disagree on (compile-templates.ts), so liquidjs stays a build tool and the sender loads
 * neither its 79 KB nor its start-up.
 */

export { LiquidRenderError, LiquidSyntaxError } from './liquid/errors.ts';
export { liquidFilters } from './liquid/filters.ts';
export { type LiquidTemplate, liquidTags, parseLiquid } from './liquid/parse.ts';
export { renderLiquid } from './liquid/render.ts';
