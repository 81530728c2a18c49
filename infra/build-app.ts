import { Annotations, App, Validations } from 'aws-cdk-lib';
import { AwsSolutionsChecks } from 'cdk-nag';
import { z } from 'zod';
import { buildRuntimeBundle, type RuntimeBundle } from '../functions/build/runtime-bundle.ts';
import { sesReceivingRegions } from './constructs/inbound-replies.ts';
import { type DomainParameters, RekindleStack } from './stacks/rekindle-stack.ts';

export { sesReceivingRegions };

const domainName = z
  .string()
  .regex(
    /^(?=.{1,253}$)([a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z]{2,63}$/i,
    'must be a domain name such as shop.example',
  )
  .transform((domain) => domain.toLowerCase());

const certificateArn = z
  .string()
  .regex(
    /^arn:aws[a-z-]*:acm:us-east-1:\d{12}:certificate\/[0-9a-f-]+$/,
    'must be the ARN of an ACM certificate in us-east-1 (CloudFront takes certificates from there only)',
  );

/** `-c key=true` arrives as the string "true"; cdk.json may hold a real boolean. */
const flag = z.union(
  [z.boolean(), z.enum(['true', 'false']).transform((value) => value === 'true')],
  'must be true or false',
);

/** `-c sandboxRecipients=a@x.example,b@y.example`, or a list in cdk.json. */
const addressList = z
  .union([
    z.string().transform((list) => list.split(',').map((address) => address.trim())),
    z.array(z.string()),
  ])
  .pipe(z.array(z.email('must be email addresses separated by commas')).min(1))
  .transform((addresses) => addresses.map((address) => address.toLowerCase()));

/**
 * The CDK context Rekindle reads (`cdk deploy -c senderDomain=…`). Each key left out is taken from
 * config/rekindle.yaml, which the functions read at run time, so the two can never disagree.
 */
export const RekindleContextSchema = z.object({
  /** The SES domain identity; default: the domain of `sender.from`. */
  senderDomain: domainName.optional(),
  /** The domain SES receives replies at; default: `engagement.replyDomain`. */
  replyDomain: domainName.optional(),
  /** Where replies are forwarded; default: `engagement.supportAddress`. */
  supportAddress: z.email('must be an email address').optional(),
  alarmEmail: z.email('must be an email address').optional(),
  /** Tracked links and the open pixel on the shop's domain (a subdomain of the sender domain). */
  trackingDomain: domainName.optional(),
  /** The certificate CloudFront presents for `trackingDomain`. */
  trackingCertificateArn: certificateArn.optional(),
  /** The unsubscribe page on the shop's domain. */
  unsubscribeDomain: domainName.optional(),
  /** The certificate CloudFront presents for `unsubscribeDomain`. */
  unsubscribeCertificateArn: certificateArn.optional(),
  /** DMARC aggregate reports go here (`rua=mailto:…`); default: the support address. */
  dmarcRua: z.email('must be an email address').optional(),
  /**
   * `existing`: the sender domain is already an SES identity in this account and region (a shop
   * already sending through SES); it is used as it is, not created. Default `create`.
   */
  senderIdentity: z
    .enum(
      ['create', 'existing'],
      'must be "create" (the default) or "existing" (the domain is already an SES identity here)',
    )
    .optional(),
  /** `false` leaves inbound replies out (regions without SES receiving); default true. */
  inboundReplies: flag.optional(),
  /** Verified test addresses send-step may send to while the account is in the SES sandbox. */
  sandboxRecipients: addressList.optional(),
  /** The retained link-signing secret of an earlier deployment, so links in mail already sent keep verifying. */
  linkSigningSecretArn: z
    .string()
    .regex(
      /^arn:aws[a-z-]*:secretsmanager:[a-z0-9-]+:\d{12}:secret:[\w/+=.@-]+-[A-Za-z0-9]{6}$/,
      'must be the complete ARN of a Secrets Manager secret (with its six-character suffix), as in the LinkSigningSecretArn output',
    )
    .optional(),
  /** Shopify's partner event source (`aws.partner/shopify.com/<app id>/<name>`): read its EventBridge delivery. */
  shopifyEventSource: z
    .string()
    .regex(
      /^aws\.partner\/shopify\.com\/\d+\/[\w.-]+$/,
      'must be a Shopify partner event source name, e.g. aws.partner/shopify.com/123456/rekindle',
    )
    .optional(),
  /** Stripe's partner event source (`aws.partner/stripe.com/<destination id>`): read its charges and customers. */
  stripeEventSource: z
    .string()
    .regex(
      /^aws\.partner\/stripe\.com\/[\w.-]+$/,
      'must be a Stripe partner event source name, e.g. aws.partner/stripe.com/ed_61Q…',
    )
    .optional(),
  /** The region being deployed to (from the environment); checked against SES receiving. */
  region: z.string().optional(),
});
export type RekindleContext = z.infer<typeof RekindleContextSchema>;

/** The deployment parameters once defaults from the config are applied and both sources agree. */
export interface DeploymentParameters {
  readonly senderDomain: string;
  /** Absent when inbound replies are left out. */
  readonly replyDomain?: string;
  readonly existingSenderIdentity?: boolean;
  readonly sandboxRecipients?: readonly string[];
  readonly linkSigningSecretArn?: string;
  readonly supportAddress?: string;
  readonly alarmEmail?: string;
  readonly trackingDomain?: DomainParameters;
  readonly unsubscribeDomain?: DomainParameters;
  readonly dmarcReportAddress?: string;
  readonly shopifyEventSource?: string;
  readonly stripeEventSource?: string;
}

/** Bad CDK context; the message has one line per key, naming it and what was expected. */
export class ContextError extends Error {
  override readonly name = 'ContextError';
}

export interface BuildAppOptions {
  readonly configFile: string;
  readonly templatesDir: string;
  /** Raw context values, e.g. from `app.node.tryGetContext`. */
  readonly context: Readonly<Record<string, unknown>>;
  /** @default - a fresh App */
  readonly app?: App;
}

const contextError = (problems: readonly string[]) =>
  new ContextError(`Invalid CDK context:\n${problems.map((line) => `  ${line}`).join('\n')}`);

/** `care@shop.example` from `Shop <care@shop.example>` or `care@shop.example`. */
const addressOf = (from: string) => (/<([^<>]+)>\s*$/.exec(from)?.[1] ?? from).trim().toLowerCase();

/**
 * Applies the config's defaults to the context and checks they agree: a reply domain SES receives
 * for but the functions do not recognise would silently drop every reply.
 */
export function resolveParameters(
  context: RekindleContext,
  config: RuntimeBundle['config'],
  configFile: string,
): DeploymentParameters {
  const problems: string[] = [];
  const fromAddress = addressOf(config.sender.from);
  const fromDomain = fromAddress.split('@')[1] ?? '';
  const senderDomain = context.senderDomain ?? fromDomain;
  if (fromDomain !== senderDomain && !fromDomain.endsWith(`.${senderDomain}`)) {
    problems.push(
      `senderDomain: "${senderDomain}" cannot send as ${fromAddress} (sender.from in ${configFile}); use ${fromDomain} or a parent domain of it`,
    );
  }
  const agreed = (key: 'replyDomain' | 'supportAddress', fromConfig: string | undefined) => {
    const fromContext = context[key];
    if (fromContext !== undefined && fromConfig !== undefined && fromContext !== fromConfig.toLowerCase()) {
      problems.push(
        `${key}: "${fromContext}" differs from engagement.${key} "${fromConfig}" in ${configFile}, which the functions use; make them the same`,
      );
    }
    if (fromContext !== undefined && fromConfig === undefined) {
      problems.push(
        `${key}: set engagement.${key}: ${fromContext} in ${configFile} too; the functions read it there`,
      );
    }
    return fromContext ?? fromConfig?.toLowerCase();
  };
  const inbound = context.inboundReplies ?? true;
  const supportAddress = agreed('supportAddress', config.engagement.supportAddress);
  let replyDomain: string | undefined;
  if (inbound) {
    replyDomain = agreed('replyDomain', config.engagement.replyDomain);
    if (replyDomain === undefined) {
      problems.push(
        `replyDomain: required; set engagement.replyDomain in ${configFile} (e.g. reply.${senderDomain}) and pass the same with -c replyDomain=…, or leave inbound replies out with -c inboundReplies=false`,
      );
    }
  } else {
    // With nothing receiving, a signed r+ address would bounce every reply: the fixed Reply-To is used instead.
    if (context.replyDomain !== undefined) {
      problems.push('replyDomain: not used with inboundReplies=false; leave it out');
    }
    if (config.engagement.replyDomain !== undefined) {
      problems.push(
        `inboundReplies: false, but engagement.replyDomain is set in ${configFile}, so every email would carry a reply address nothing receives; remove it and set sender.replyTo (e.g. the support address) instead`,
      );
    }
  }
  const domainWithCertificate = (
    key: 'trackingDomain' | 'unsubscribeDomain',
    certificateKey: 'trackingCertificateArn' | 'unsubscribeCertificateArn',
  ): DomainParameters | undefined => {
    const domain = context[key];
    const certificate = context[certificateKey];
    if (domain !== undefined && certificate === undefined) {
      problems.push(
        `${certificateKey}: required with ${key}; request a certificate for ${domain} in ACM in us-east-1 and pass its ARN`,
      );
    }
    if (domain === undefined && certificate !== undefined) {
      problems.push(`${key}: required with ${certificateKey}; name the domain the certificate is for`);
    }
    return domain === undefined || certificate === undefined
      ? undefined
      : { domainName: domain, certificateArn: certificate };
  };
  const trackingDomain = domainWithCertificate('trackingDomain', 'trackingCertificateArn');
  const unsubscribeDomain = domainWithCertificate('unsubscribeDomain', 'unsubscribeCertificateArn');
  // SES takes a custom redirect domain only if it is verified: the sender domain's subdomains are.
  if (
    context.trackingDomain !== undefined &&
    context.trackingDomain !== senderDomain &&
    !context.trackingDomain.endsWith(`.${senderDomain}`)
  ) {
    problems.push(
      `trackingDomain: "${context.trackingDomain}" must be a subdomain of the sender domain ${senderDomain} (SES accepts only a verified domain), e.g. links.${senderDomain}`,
    );
  }
  const dmarcReportAddress = context.dmarcRua ?? supportAddress;
  if (problems.length > 0) throw contextError(problems);
  return {
    senderDomain,
    ...(replyDomain === undefined ? {} : { replyDomain }),
    ...(context.senderIdentity === 'existing' ? { existingSenderIdentity: true } : {}),
    ...(context.sandboxRecipients === undefined ? {} : { sandboxRecipients: context.sandboxRecipients }),
    ...(context.linkSigningSecretArn === undefined
      ? {}
      : { linkSigningSecretArn: context.linkSigningSecretArn }),
    ...(supportAddress === undefined ? {} : { supportAddress }),
    ...(context.alarmEmail === undefined ? {} : { alarmEmail: context.alarmEmail }),
    ...(trackingDomain === undefined ? {} : { trackingDomain }),
    ...(unsubscribeDomain === undefined ? {} : { unsubscribeDomain }),
    ...(dmarcReportAddress === undefined ? {} : { dmarcReportAddress }),
    ...(context.shopifyEventSource === undefined ? {} : { shopifyEventSource: context.shopifyEventSource }),
    ...(context.stripeEventSource === undefined ? {} : { stripeEventSource: context.stripeEventSource }),
  };
}

/**
 * Validates the context, builds the runtime bundle (throwing the same `ConfigError` with
 * file:line messages as `rekindle validate`) and composes the stack with cdk-nag checks.
 */
export async function buildApp(options: BuildAppOptions): Promise<{ app: App; stack: RekindleStack }> {
  const parsed = RekindleContextSchema.safeParse(options.context);
  if (!parsed.success) {
    throw contextError(
      parsed.error.issues.map((issue) => `${issue.path.join('.') || '(context)'}: ${issue.message}`),
    );
  }
  checkReceivingRegion(parsed.data.region, parsed.data.inboundReplies ?? true);
  const runtimeBundle = await buildRuntimeBundle({
    configFile: options.configFile,
    templatesDir: options.templatesDir,
  });
  const parameters = resolveParameters(parsed.data, runtimeBundle.config, options.configFile);
  const app = options.app ?? new App();
  // Grant S3 log delivery through a bucket policy, not the legacy LogDeliveryWrite ACL.
  app.node.setContext('@aws-cdk/aws-s3:serverAccessLogsUseBucketPolicy', true);
  const stack = new RekindleStack(app, 'Rekindle', {
    description: 'Rekindle: serverless email win-back',
    runtimeBundle,
    ...parameters,
  });
  const reports = parameters.dmarcReportAddress?.split('@')[1];
  if (
    reports !== undefined &&
    reports !== parameters.senderDomain &&
    !reports.endsWith(`.${parameters.senderDomain}`)
  ) {
    Annotations.of(stack).addWarningV2(
      'rekindle:dmarc-rua',
      `DMARC reports go to ${parameters.dmarcReportAddress}, outside ${parameters.senderDomain}: receivers send them only once ${reports} publishes "${parameters.senderDomain}._report._dmarc.${reports} TXT "v=DMARC1"" (RFC 7489 section 7.1).`,
    );
  }
  if (parameters.replyDomain === undefined) {
    const { replyTo, from } = runtimeBundle.config.sender;
    Annotations.of(stack).addWarningV2(
      'rekindle:no-inbound',
      `Inbound replies are left out: replies go to ${replyTo ?? `the From address ${addressOf(from)} (set sender.replyTo to send them elsewhere)`} and are not recorded, and mailto unsubscribe requests to ${runtimeBundle.config.sender.unsubscribeMailto} reach that mailbox only if it exists; the one-click unsubscribe link still works.`,
    );
  }
  Validations.of(app).addPlugins(new AwsSolutionsChecks(app));
  return { app, stack };
}

/**
 * SES receipt rule sets exist only where SES receives mail; elsewhere CloudFormation rejects them
 * and the whole stack fails, so say so before building anything. The stack has no environment:
 * the region is the CLI's (`CDK_DEFAULT_REGION`), and without one the stack's own rule checks it
 * at deploy time.
 */
export function checkReceivingRegion(region: string | undefined, inboundReplies: boolean): void {
  if (!inboundReplies || region === undefined || sesReceivingRegions.includes(region)) return;
  throw contextError([
    `region: SES does not receive email in ${region}, so the receipt rule set for replies cannot be created there (it can in ${sesReceivingRegions.join(', ')}).`,
    '  Deploy to one of those (export AWS_REGION=…), or pass -c inboundReplies=false to leave inbound replies out.',
    `  If AWS has since added ${region} to the "Email receiving endpoints" table, add it to sesReceivingRegions in infra/constructs/inbound-replies.ts.`,
  ]);
}
