import type { CustomerView } from '../../ports/customer-store.ts';
import type { OutgoingEmail } from '../../ports/mailer.ts';
import type { RekindleConfig, Step } from '../config/schema.ts';
import { signLink } from '../sending/links.ts';
import type { StepMessage } from '../sending/step-message.ts';
import type { TemplateCatalog } from './compiled-template.ts';
import { renderEmail, selectTemplate } from './render.ts';

export interface ComposeInput {
  readonly view: CustomerView;
  readonly message: StepMessage;
  readonly step: Step;
  readonly config: RekindleConfig;
  readonly templates: TemplateCatalog;
  readonly links: { readonly unsubscribeUrl: string; readonly signingKey: string };
}

/**
 * Everything about one email except sending it: the template in the customer's locale, the
 * variables, the rendered parts, the unsubscribe headers (RFC 8058) and the tags SES events carry
 * back. Throws RenderError when the template cannot be rendered for this customer.
 */
export async function composeEmail(input: ComposeInput): Promise<OutgoingEmail> {
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
  const rendered = await renderEmail(template, {
    customer: { id: customer.customerId, firstName: customer.firstName || 'there', email: customer.email },
    shop: { name: config.shop.name, postalAddress: config.shop.postalAddress },
    unsubscribeUrl,
    unsubscribeLabel: 'Unsubscribe',
    whyLine: `You are receiving this because you have bought from ${config.shop.name}.`,
  });
  return {
    from: config.sender.from,
    to: customer.email,
    replyTo: config.sender.replyTo === undefined ? undefined : [config.sender.replyTo],
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
    tags: {
      sequence: message.sequenceId,
      step: step.id,
      segment: message.segmentId,
      customer: message.customerId,
      enrolment: message.enrolmentId,
      stepIndex: String(message.stepIndex),
      ...(fellBackFrom === undefined ? {} : { localeFallback: fellBackFrom }),
    },
  };
}
