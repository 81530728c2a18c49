import * as z from 'zod';
import { IncidentKindSchema } from '../customers/model.ts';

const Label = z
  .string()
  .trim()
  .min(1)
  .transform((text) => text.toLowerCase());

/** One rule of the helpdesk mapping: a ticket with any of these tags (or of one of these types) is this kind. */
export const HelpdeskRuleSchema = z
  .strictObject({
    kind: IncidentKindSchema.describe(
      'The incident kind such a ticket records: damaged, late, wrong_item, …',
    ),
    tags: z
      .array(Label)
      .default([])
      .describe('Ticket tags, any of which makes the ticket this kind (case-insensitive).'),
    types: z
      .array(Label)
      .default([])
      .describe(
        'Ticket types or categories (Zendesk and Freshdesk ticket type), any of which makes it this kind.',
      ),
  })
  .refine((rule) => rule.tags.length + rule.types.length > 0, {
    message: 'a rule needs at least one tag or type, or it would take every ticket',
  });

/** How helpdesk tickets become incidents (docs/integrations.md, "Helpdesk tickets"). */
export const HelpdeskMappingSchema = z.strictObject({
  kinds: z
    .array(HelpdeskRuleSchema)
    .default([])
    .describe(
      'Which tickets are which incident kind: the first rule whose tags or types the ticket has wins.',
    ),
  otherwise: z
    .union([IncidentKindSchema, z.literal('ignore')])
    .default('support')
    .describe('The kind of a ticket no rule matches, or "ignore" to record only the tickets a rule matches.'),
});
export type HelpdeskMapping = z.infer<typeof HelpdeskMappingSchema>;

export const IntegrationsSchema = z.strictObject({
  helpdesk: HelpdeskMappingSchema.default({ kinds: [], otherwise: 'support' }).describe(
    'Helpdesk tickets (Zendesk, Gorgias, Freshdesk) as incidents: which tags or types are which kind.',
  ),
});
export type Integrations = z.infer<typeof IntegrationsSchema>;
