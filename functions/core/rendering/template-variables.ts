import * as z from 'zod';
import { IncidentKindSchema } from '../customers/model.ts';

/** A past problem as a template sees it: dates already written in the email's language. */
export const IncidentVariablesSchema = z.object({
  kind: IncidentKindSchema,
  date: z.string().min(1),
  order: z.string().min(1).nullable(),
  resolved: z.boolean(),
  resolvedOn: z.string().min(1).nullable(),
  resolution: z.string().min(1).nullable(),
  ticketOpen: z.boolean(),
});
export type IncidentVariables = z.infer<typeof IncidentVariablesSchema>;

/** One entry of the updates feed, in the email's language. */
export const UpdateVariablesSchema = z.object({
  id: z.string().min(1),
  date: z.string().min(1),
  title: z.string().min(1),
  body: z.string().min(1),
});
export type UpdateVariables = z.infer<typeof UpdateVariablesSchema>;

/** The shop as every email presents it, signer and logo alt already in the email's language. */
export const ShopVariablesSchema = z.object({
  name: z.string().min(1),
  postalAddress: z.string().min(1),
  /** The sign-off: a person's name where the config gives one, else the shop's. */
  signer: z.string().min(1),
  logo: z
    .object({ url: z.url({ protocol: /^https$/ }), alt: z.string().min(1), width: z.int().positive() })
    .nullable(),
});
export type ShopVariables = z.infer<typeof ShopVariablesSchema>;

/** What the shop learns from this email, which the footer discloses. */
export const TrackingVariablesSchema = z.object({ opens: z.boolean(), clicks: z.boolean() });
export type TrackingVariables = z.infer<typeof TrackingVariablesSchema>;

/**
 * Every variable a template may use. The first four are always given (the partials need them);
 * a template lists the others it uses in its front matter (`variables: [incident, updates]`).
 */
export const TemplateVariablesSchema = z.object({
  customer: z.object({ id: z.string().min(1), firstName: z.string(), email: z.email() }),
  shop: ShopVariablesSchema,
  unsubscribeUrl: z.url(),
  tracking: TrackingVariablesSchema,
  /** The customer's most recent problem, or null. */
  incident: IncidentVariablesSchema.nullable(),
  /** Their problems, newest first (at most three). */
  incidents: z.array(IncidentVariablesSchema),
  lastOrder: z.object({ id: z.string().min(1), date: z.string().min(1) }).nullable(),
  /** Updates relevant to this customer that they have not seen, newest first. */
  updates: z.array(UpdateVariablesSchema),
});
export type TemplateVariables = z.infer<typeof TemplateVariablesSchema>;

export const alwaysAvailable = ['customer', 'shop', 'unsubscribeUrl', 'tracking'] as const;
export const OptionalVariableSchema = z.enum(['incident', 'incidents', 'lastOrder', 'updates']);
export type OptionalVariable = z.infer<typeof OptionalVariableSchema>;

/** `preheader` is filled by the renderer from the front matter. */
const rendererVariables = new Set(['preheader']);

/** Only the variables a template declared: an undeclared reference then fails strict rendering too. */
export function declaredVariables(
  variables: TemplateVariables,
  declared: readonly OptionalVariable[],
): Record<string, unknown> {
  const picked: Record<string, unknown> = {};
  for (const name of alwaysAvailable) picked[name] = variables[name];
  for (const name of declared) picked[name] = variables[name];
  return picked;
}

/** The schema under nullable and optional wrappers. */
function unwrap(schema: z.ZodType): z.ZodType {
  if (schema instanceof z.ZodNullable || schema instanceof z.ZodOptional) {
    const inner = schema.unwrap();
    return inner instanceof z.ZodType ? unwrap(inner) : schema;
  }
  return schema;
}

function field(schema: z.ZodType, name: string): z.ZodType | undefined {
  let object = unwrap(schema);
  if (object instanceof z.ZodArray && object.element instanceof z.ZodType) object = unwrap(object.element);
  if (!(object instanceof z.ZodObject)) return undefined;
  const shape: Record<string, unknown> = object.shape;
  const found = Object.hasOwn(shape, name) ? shape[name] : undefined;
  return found instanceof z.ZodType ? found : undefined;
}

/** Liquid's array properties (`updates.size`). */
const arrayProperties = new Set(['size', 'first', 'last']);

/**
 * Whether a variable path such as `incident.order` is declared: the first segment among the
 * template's variables, each further segment a field of the object underneath.
 */
export function isDeclaredPath(
  path: readonly (string | number)[],
  declared: readonly OptionalVariable[],
): boolean {
  const [head, ...rest] = path;
  if (typeof head !== 'string') return false;
  if (rendererVariables.has(head)) return rest.length === 0;
  const allowed = new Set<string>([...alwaysAvailable, ...declared]);
  if (!allowed.has(head)) return false;
  let schema = field(TemplateVariablesSchema, head);
  for (const segment of rest) {
    if (schema === undefined) return false;
    const current = unwrap(schema);
    if (current instanceof z.ZodArray) {
      if (typeof segment === 'string' && arrayProperties.has(segment)) return true;
      if (typeof segment === 'number' && current.element instanceof z.ZodType) {
        schema = current.element;
        continue;
      }
    }
    schema = typeof segment === 'string' ? field(current, segment) : undefined;
  }
  return schema !== undefined;
}
