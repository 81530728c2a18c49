import * as z from 'zod';
import type { EmailTracking, OutgoingEmail } from '../../ports/mailer.ts';
import type { RekindleConfig, Step } from '../config/schema.ts';
import type { CustomerView } from '../domain/customer-view.ts';
import { signLink, signReplyToken } from '../domain/links.ts';
import { toTags } from '../domain/message-tags.ts';
import type { StepMessage } from '../domain/step-message.ts';
import { trackingFor } from '../domain/tracking.ts';
import type { CompiledTemplate, TemplateCatalog } from './compiled-template.ts';
import { buildTemplateVariables } from './content-variables.ts';
import { formatMailbox } from './mailbox.ts';
import { missingCompliance, RenderError, renderEmail, selectTemplate, unsafeLinks } from './render.ts';
import { declaredVariables, TemplateVariablesSchema } from './template-variables.ts';
import { trackedLinks } from './tracked-links.ts';

export interface ComposeInput {
  readonly view: CustomerView;
  readonly message: StepMessage;
  readonly step: Step;
  readonly config: RekindleConfig;
  readonly templates: TemplateCatalog;
  readonly links: { readonly unsubscribeUrl: string; readonly signingKey: string };
}

/** An email ready for the Mailer, with what the send ledger should remember about it. */
export interface ComposedEmail extends OutgoingEmail {
  readonly templateId: string;
  /** The locale actually rendered (the default one when the customer's had no version). */
  readonly locale: string;
  /** Ids of the updates-feed entries this email shows; the ledger keeps them so none repeats. */
  readonly updateIds: string[];
  /** What SES tracks in this email (the sequence's setting, clicks only where a link is tracked). */
  readonly tracking: EmailTracking;
  /**
   * Clicks were configured but the template has no link SES tracks (its only link the unsubscribe
   * link, never tracked), so they are off: the report says so instead of "tracking.clicks is off".
   */
  readonly noTrackedLinks: boolean;
  /** Things worth logging that did not stop the send (a locale fallback). */
  readonly warnings: string[];
}

/**
 * Everything about one email except sending it: the template in the customer's locale, the
 * variables (incidents, relevant updates, dates in the email's language), the rendered parts, the
 * unsubscribe headers (RFC 8058), a per-send Reply-To and the tags SES events carry back. Throws
 * RenderError when the template cannot be rendered for this customer.
 */
export async function composeEmail(input: ComposeInput): Promise<ComposedEmail> {
  const { view, message, step, config } = input;
  const { customer } = view;
  const { template, fellBackFrom } = selectTemplate(
    input.templates,
    step.template,
    customer.locale,
    config.shop.defaultLocale,
  );
  const unsubscribeToken = signLink({ ...message, purpose: 'unsubscribe' }, input.links.signingKey);
  const unsubscribeUrl = `${input.links.unsubscribeUrl}?t=${unsubscribeToken}`;
  const { variables, updateIds } = buildTemplateVariables({
    view,
    config,
    locale: template.locale,
    unsubscribeUrl,
    enrolmentId: message.enrolmentId,
  });
  // What SES tracks in this email, which its footer discloses. Clicks only where there is a link SES
  // would track: in an email whose only link is the (never tracked) unsubscribe link, the footer
  // would claim a tracking that cannot happen.
  const configured = trackingFor(
    config.sequences.find((sequence) => sequence.id === message.sequenceId),
    config.engagement,
  );
  const noTrackedLinks = configured.clicks && !hasTrackedLinks(template);
  const tracking = { ...configured, clicks: configured.clicks && !noTrackedLinks };
  // Checked before rendering: a bad value is a failed send with a reason, never a broken email.
  const checked = TemplateVariablesSchema.safeParse({ ...variables, tracking });
  if (!checked.success) {
    throw new RenderError(
      `template ${template.id}/${template.locale} for customer ${customer.customerId}: ${z.prettifyError(checked.error)}`,
    );
  }
  const shown = template.variables.includes('updates') ? updateIds : [];
  const rendered = await renderEmail(template, {
    ...declaredVariables(checked.data, template.variables),
    customer: checked.data.customer,
    shop: checked.data.shop,
    unsubscribeUrl,
    tracking: checked.data.tracking,
  });
  // Whatever a template or partial does, no email leaves without a way out and the shop's address.
  const missing = missingCompliance(rendered, {
    unsubscribeUrl,
    postalAddress: checked.data.shop.postalAddress,
  });
  if (missing.length > 0) {
    throw new RenderError(
      `template ${template.id}/${template.locale} for customer ${customer.customerId} lacks ${missing.join(', ')}`,
    );
  }
  // A value that made a javascript: or data: link is a failed render, never a sent email.
  const unsafe = unsafeLinks(rendered.html);
  if (unsafe.length > 0) {
    throw new RenderError(
      `template ${template.id}/${template.locale} for customer ${customer.customerId} renders ${unsafe.length} link(s) that are not http(s), mailto or tel`,
    );
  }
  const replyDomain = config.engagement.replyDomain;
  // A per-send address lets an inbound reply be matched to the customer and step without parsing.
  const replyToken = replyDomain === undefined ? undefined : signReplyToken(message, input.links.signingKey);
  // A customer id too long for an address's local part gets the shop's fixed Reply-To instead.
  const replyAddress = replyToken === undefined ? config.sender.replyTo : `r+${replyToken}@${replyDomain}`;
  const replyTo =
    replyAddress === undefined ? undefined : formatMailbox(config.sender.replyName, replyAddress);
  return {
    from: config.sender.from,
    to: customer.email,
    replyTo: replyTo === undefined ? undefined : [replyTo],
    subject: rendered.subject,
    html: rendered.html,
    text: rendered.text,
    headers: [
      {
        name: 'List-Unsubscribe',
        value: `<${unsubscribeUrl}>, <mailto:${config.sender.unsubscribeMailto}?subject=unsubscribe-${unsubscribeToken}>`,
      },
      { name: 'List-Unsubscribe-Post', value: 'List-Unsubscribe=One-Click' },
    ],
    tracking,
    noTrackedLinks,
    tags: {
      ...toTags({ ...message, stepId: step.id }),
      ...(fellBackFrom === undefined ? {} : { localeFallback: fellBackFrom }),
    },
    templateId: template.id,
    locale: template.locale,
    updateIds: shown,
    warnings:
      fellBackFrom === undefined
        ? []
        : [
            `template "${template.id}" has no "${fellBackFrom}" version; sent in "${template.locale}" to customer ${customer.customerId}`,
          ],
  };
}

const trackedLinkCounts = new WeakMap<CompiledTemplate, number>();

/** Whether a compiled template has a link SES would track (found once per template and container). */
function hasTrackedLinks(template: CompiledTemplate): boolean {
  let count = trackedLinkCounts.get(template);
  if (count === undefined) {
    count = trackedLinks(template.html).length;
    trackedLinkCounts.set(template, count);
  }
  return count > 0;
}
