import * as z from 'zod';
import { canonicalLocale } from '../customers/model.ts';
import { TimeZoneSchema } from './common.ts';
import { ContentSchema, type LocalizedText, LocalizedTextSchema } from './content.ts';
import { EngagementConfigSchema } from './engagement.ts';
import { IntegrationsSchema } from './integrations.ts';
import { SegmentationSchema, SegmentSchema } from './segments.ts';
import { PolicySchema, SequenceSchema } from './sequences.ts';

export { DurationSchema } from './common.ts';
export type { Segment } from './segments.ts';
export type { ExitReason, Policy, Sequence, Step, StepCondition } from './sequences.ts';
export { SegmentSchema, SequenceSchema };

/** A BCP 47 language tag: a language, optionally a region (`en-GB`, `hi-IN`). */
const LocaleTagSchema = z
  .string()
  .refine((tag) => canonicalLocale(tag) !== undefined, 'expected a language tag such as "en" or "en-GB"');

/**
 * One text for every locale, or text per locale. An object is checked as text per locale after the
 * union, so a bad entry is named at its own key (a union alone reports only "invalid input").
 */
const TextOrLocalizedSchema = z
  .union([z.string().trim().min(1), z.record(z.string(), z.unknown())])
  .transform((value, ctx): string | LocalizedText => {
    if (typeof value === 'string') return value;
    const checked = LocalizedTextSchema.safeParse(value);
    if (checked.success) return checked.data;
    for (const issue of checked.error.issues)
      ctx.addIssue({ code: 'custom', message: issue.message, path: issue.path });
    return z.NEVER;
  });

/**
 * The marketer's config (config/rekindle.yaml). Each area's fields live in their own module
 * (segments, sequences, content, engagement); this root composes them and checks references.
 */
export const RekindleConfigSchema = z
  .strictObject({
    $schema: z.string().optional(),
    shop: z
      .strictObject({
        name: z
          .string()
          .min(1)
          .describe('The shop’s name, as customers know it; in every header and subject line.'),
        postalAddress: z.string().min(1).describe('Shown in every footer (required by anti-spam law).'),
        defaultLocale: LocaleTagSchema.default('en').describe(
          'The language emails fall back to, with the region dates follow, e.g. "en-GB".',
        ),
        locales: z
          .array(LocaleTagSchema)
          .min(1)
          .optional()
          .describe(
            "The languages the shop's customers use; `rekindle validate` warns for each one a template lacks. Default: those the templates cover.",
          ),
        fallbackTimeZone: TimeZoneSchema.default('UTC').describe(
          'IANA time zone for customers without one of their own, e.g. "Europe/London".',
        ),
        signer: TextOrLocalizedSchema.optional().describe(
          'The sign-off under every email, e.g. "Maya, Northwind Records" (per locale or one text); default: the shop name.',
        ),
        logo: z
          .strictObject({
            url: z
              .url({ protocol: /^https$/, error: 'expected an https:// address' })
              .describe('An https:// image address.'),
            alt: TextOrLocalizedSchema.describe('What the logo says, per locale or one text.'),
            width: z.int().min(16).max(552).default(160).describe('Width in CSS pixels.'),
          })
          .optional()
          .describe('An image shown in the header instead of the shop name.'),
      })
      .describe('The shop as its emails present it: name, postal address, languages, sign-off, logo.'),
    sender: z
      .strictObject({
        from: z.string().min(3).describe('From address, e.g. "Shop <care@shop.example>".'),
        replyTo: z
          .email()
          .optional()
          .describe('Where replies go when no reply domain is set up (engagement.replyDomain).'),
        replyName: z
          .string()
          .trim()
          .min(1)
          .max(64)
          .optional()
          .describe('Display name on the Reply-To address, e.g. "Northwind care team".'),
        unsubscribeMailto: z.email().describe('Mailbox for mailto: List-Unsubscribe requests.'),
      })
      .describe('Who the emails come from, and where unsubscribe requests by mail go.'),
    policy: PolicySchema.describe(
      'The limits that keep it respectful, across all sequences: send window, cap, minimum gap, cooldown.',
    ),
    segments: z
      .array(SegmentSchema)
      .min(1)
      .describe('Who gets what: each customer is in the first segment whose conditions all hold.'),
    segmentation: SegmentationSchema.describe('When the daily segmenter runs and how it fits the model.'),
    sequences: z.array(SequenceSchema).describe('The emails a segment’s customers get, step by step.'),
    content: ContentSchema.describe(
      'The updates feed: what the shop fixed, shown to the customers it concerns.',
    ),
    engagement: EngagementConfigSchema.describe(
      'Tracking, complaint-rate pauses, replies and attribution (docs/engagement.md).',
    ),
    integrations: IntegrationsSchema.default({ helpdesk: { kinds: [], otherwise: 'support' } }).describe(
      'Live data from the shop’s platforms: how helpdesk tickets become incidents (docs/integrations.md).',
    ),
  })
  .superRefine((config, ctx) => {
    const sequenceIds = new Set(config.sequences.map((sequence) => sequence.id));
    const segmentIds = new Set<string>();
    config.segments.forEach((segment, index) => {
      if (segmentIds.has(segment.id))
        ctx.addIssue({
          code: 'custom',
          path: ['segments', index, 'id'],
          message: `segment id "${segment.id}" is used twice: enrolments and reports are kept by segment id, so give each segment its own`,
        });
      segmentIds.add(segment.id);
    });
    // A text without the default locale falls back to whichever locale comes first.
    const defaultLocale = config.shop.defaultLocale;
    const defaultLanguage = defaultLocale.split('-')[0] ?? defaultLocale;
    config.content.updates.forEach((update, index) => {
      for (const field of ['title', 'body'] as const) {
        const text = update[field];
        if (text[defaultLocale] !== undefined || text[defaultLanguage] !== undefined) continue;
        const [first = ''] = Object.keys(text);
        ctx.addIssue({
          code: 'custom',
          path: ['content', 'updates', index, field],
          message: `update "${update.id}" has no "${defaultLanguage}" ${field}: readers in "${defaultLanguage}", and in every locale without its own ${field}, get the "${first}" one; add ${defaultLanguage}: …`,
        });
      }
    });
    config.segments.forEach((segment, index) => {
      if (segment.sequence !== null && !sequenceIds.has(segment.sequence)) {
        ctx.addIssue({
          code: 'custom',
          path: ['segments', index, 'sequence'],
          message: `no sequence has the id "${segment.sequence}"`,
        });
      }
    });
    config.sequences.forEach((sequence, index) => {
      const seen = new Set<string>();
      sequence.steps.forEach((step, stepIndex) => {
        if (seen.has(step.id)) {
          ctx.addIssue({
            code: 'custom',
            path: ['sequences', index, 'steps', stepIndex, 'id'],
            message: `step id "${step.id}" is used twice`,
          });
        }
        const earlier = step.when?.step;
        if (earlier !== undefined && !seen.has(earlier)) {
          ctx.addIssue({
            code: 'custom',
            path: ['sequences', index, 'steps', stepIndex, 'when', 'step'],
            message: `"${earlier}" is not an earlier step of sequence "${sequence.id}"`,
          });
        }
        if (stepIndex === 0 && step.when !== undefined && earlier === undefined) {
          ctx.addIssue({
            code: 'custom',
            path: ['sequences', index, 'steps', stepIndex, 'when'],
            message: 'the first step has no earlier step to have engaged with',
          });
        }
        seen.add(step.id);
      });
    });
  });

export type RekindleConfig = z.infer<typeof RekindleConfigSchema>;
