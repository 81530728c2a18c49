import { Aws, CfnOutput, Stack, type StackProps } from 'aws-cdk-lib';
import * as acm from 'aws-cdk-lib/aws-certificatemanager';
import type { Construct } from 'constructs';
import type { BakedBundle, RuntimeBundle } from '../../functions/build/runtime-bundle.ts';
import type { CustomDomain } from '../constructs/custom-domain-front.ts';
import { CustomerTable } from '../constructs/data.ts';
import { Engagement } from '../constructs/engagement.ts';
import { EventIngestion } from '../constructs/event-ingestion.ts';
import { InboundReplies } from '../constructs/inbound-replies.ts';
import { Ingestion } from '../constructs/ingestion.ts';
import { LinkSigningKey } from '../constructs/link-signing-key.ts';
import { Observability } from '../constructs/observability.ts';
import { StepScheduling } from '../constructs/scheduling.ts';
import { Segmenter } from '../constructs/segmentation.ts';
import { SendQueue } from '../constructs/send-queue.ts';
import type { DnsRecord } from '../constructs/sender-identity.ts';
import { SendPipeline } from '../constructs/sending.ts';
import { ShopIntegrations } from '../constructs/shop-integrations.ts';
import { UnsubscribeEndpoint } from '../constructs/unsubscribe-endpoint.ts';

/** A domain of the shop's and its certificate's ARN (ACM, us-east-1), as deployment parameters. */
export interface DomainParameters {
  readonly domainName: string;
  readonly certificateArn: string;
}

export interface RekindleStackProps extends StackProps {
  /** The validated config and compiled templates, baked into every function. */
  readonly runtimeBundle: BakedBundle & Pick<RuntimeBundle, 'config'>;
  /** The SES domain identity mail is sent from (the From address's domain or a parent of it). */
  readonly senderDomain: string;
  /**
   * The domain SES receives replies at (`r+<token>@<replyDomain>`); its MX points at SES.
   * @default - no inbound replies (for regions without SES receiving): no receipt rule set,
   *   no receive-reply; emails carry the config's fixed `sender.replyTo`
   */
  readonly replyDomain?: string;
  /**
   * The sender domain is already an SES identity in this account and region: use it, do not create it.
   * @default false
   */
  readonly existingSenderIdentity?: boolean;
  /**
   * Verified addresses the functions may send to while the account is in the SES sandbox, where
   * SES authorises a send against the recipient's identity too.
   * @default - none
   */
  readonly sandboxRecipients?: readonly string[];
  /**
   * The complete ARN of the link-signing secret of an earlier deployment, reused so links in mail
   * already sent keep verifying.
   * @default - a new secret
   */
  readonly linkSigningSecretArn?: string;
  /**
   * Where replies are forwarded; shown in the outputs (in the SES sandbox it must be verified).
   * @default - replies are only recorded
   */
  readonly supportAddress?: string;
  /**
   * Subscribed by email to the alarm topic.
   * @default - no subscription
   */
  readonly alarmEmail?: string;
  /**
   * Tracked links and the open pixel on this domain (a subdomain of the sender domain) over HTTPS.
   * @default - SES's own tracking domain
   */
  readonly trackingDomain?: DomainParameters;
  /**
   * The unsubscribe page on this domain; every List-Unsubscribe link points there.
   * @default - the Lambda Function URL's domain
   */
  readonly unsubscribeDomain?: DomainParameters;
  /**
   * The `rua` address of the DMARC record in the outputs.
   * @default - no aggregate reports
   */
  readonly dmarcReportAddress?: string;
  /**
   * Shopify's partner event source name: its EventBridge delivery is read.
   * @default - Shopify's webhooks only over HTTPS
   */
  readonly shopifyEventSource?: string;
  /**
   * Stripe's partner event source name: its charges and customers are read.
   * @default - no Stripe events
   */
  readonly stripeEventSource?: string;
}

/** The whole of Rekindle in one account and region. */
export class RekindleStack extends Stack {
  readonly table: CustomerTable;
  readonly ingestion: Ingestion;
  readonly events: EventIngestion;
  readonly sendQueue: SendQueue;
  readonly scheduling: StepScheduling;
  readonly unsubscribe: UnsubscribeEndpoint;
  readonly sending: SendPipeline;
  readonly segmenter: Segmenter;
  readonly engagement: Engagement;
  /** Absent when inbound replies are left out. */
  readonly replies?: InboundReplies;
  readonly linkSigningKey: LinkSigningKey;
  /** Live data from Shopify, Stripe and the helpdesk. */
  readonly integrations: ShopIntegrations;
  readonly observability: Observability;

  constructor(scope: Construct, id: string, props: RekindleStackProps) {
    super(scope, id, props);
    const { runtimeBundle } = props;
    const { config } = runtimeBundle;

    this.table = new CustomerTable(this, 'Data');
    this.ingestion = new Ingestion(this, 'Ingestion', { runtimeBundle, table: this.table });
    this.events = new EventIngestion(this, 'Events', { runtimeBundle, table: this.table });
    this.sendQueue = new SendQueue(this, 'SendQueue');
    this.scheduling = new StepScheduling(this, 'StepScheduling', { sendQueue: this.sendQueue });
    const linkSigningKey = new LinkSigningKey(this, 'LinkSigningKey', {
      ...(props.linkSigningSecretArn === undefined ? {} : { existingSecretArn: props.linkSigningSecretArn }),
    });
    this.linkSigningKey = linkSigningKey;
    const customDomain = (id: string, domain: DomainParameters | undefined): CustomDomain | undefined =>
      domain === undefined
        ? undefined
        : {
            domainName: domain.domainName,
            certificate: acm.Certificate.fromCertificateArn(this, id, domain.certificateArn),
          };
    const unsubscribeDomain = customDomain('UnsubscribeCertificate', props.unsubscribeDomain);
    const trackingDomain = customDomain('TrackingCertificate', props.trackingDomain);
    this.unsubscribe = new UnsubscribeEndpoint(this, 'Unsubscribe', {
      runtimeBundle,
      table: this.table,
      linkSigningKey,
      ...(unsubscribeDomain === undefined ? {} : { customDomain: unsubscribeDomain }),
    });
    this.sending = new SendPipeline(this, 'Sending', {
      runtimeBundle,
      table: this.table,
      sendQueue: this.sendQueue,
      scheduling: this.scheduling,
      linkSigningKey,
      senderDomain: props.senderDomain,
      existingSenderIdentity: props.existingSenderIdentity ?? false,
      sandboxRecipients: props.sandboxRecipients ?? [],
      unsubscribeUrl: this.unsubscribe.url,
      ...(trackingDomain === undefined ? {} : { trackingDomain }),
      ...(props.dmarcReportAddress === undefined ? {} : { dmarcReportAddress: props.dmarcReportAddress }),
    });
    this.segmenter = new Segmenter(this, 'Segmenter', {
      runtimeBundle,
      table: this.table,
      scheduling: this.scheduling,
    });
    this.engagement = new Engagement(this, 'Engagement', {
      runtimeBundle,
      table: this.table,
      configurationSet: this.sending.configurationSet,
    });
    const unsubscribeMailto = config.sender.unsubscribeMailto.toLowerCase();
    const replyDomain = props.replyDomain;
    if (replyDomain !== undefined) {
      this.replies = new InboundReplies(this, 'Replies', {
        runtimeBundle,
        table: this.table,
        sending: this.sending,
        linkSigningKey,
        replyDomain,
        accessLogsBucket: this.ingestion.accessLogsBucket,
        // The List-Unsubscribe mailto is received too, unless the reply domain already covers it.
        extraRecipients: unsubscribeMailto.endsWith(`@${replyDomain}`) ? [] : [unsubscribeMailto],
      });
    }
    this.integrations = new ShopIntegrations(this, 'Integrations', {
      runtimeBundle,
      table: this.table,
      dataBucket: this.ingestion.bucket,
      ...(this.replies === undefined ? {} : { replies: this.replies }),
      ...(props.shopifyEventSource === undefined ? {} : { shopifyEventSource: props.shopifyEventSource }),
      ...(props.stripeEventSource === undefined ? {} : { stripeEventSource: props.stripeEventSource }),
    });

    this.observability = this.watch(props.alarmEmail);
    this.addOutputs(props);
  }

  private watch(alarmEmail: string | undefined): Observability {
    const watch = new Observability(this, 'Observability', { alarmEmail });
    watch.watchFunction('Import', 'import-file', this.ingestion.importFunction, { alarmOnErrors: true });
    watch.watchFunction('Ingest', 'ingest-event', this.events.ingestFunction);
    watch.watchFunction('Plan', 'plan-segmentation', this.segmenter.planFunction, { alarmOnErrors: true });
    watch.watchFunction('Score', 'score-segment', this.segmenter.scoreFunction, { alarmOnErrors: true });
    watch.watchFunction('Send', 'send-step', this.sending.sendFunction, { alarmOnErrors: true });
    watch.watchFunction('Record', 'record-engagement', this.engagement.recordFunction);
    if (this.replies !== undefined) watch.watchFunction('Reply', 'receive-reply', this.replies.replyFunction);
    watch.watchFunction('Unsubscribe', 'unsubscribe', this.unsubscribe.unsubscribeFunction, {
      alarmOnErrors: true,
    });
    watch.watchFunction('ShopifyWebhook', 'shopify-webhook', this.integrations.shopifyWebhook, {
      alarmOnErrors: true,
    });
    watch.watchFunction('HelpdeskWebhook', 'helpdesk-webhook', this.integrations.helpdeskWebhook, {
      alarmOnErrors: true,
    });
    if (this.integrations.shopifyEvents !== undefined)
      watch.watchFunction('ShopifyEvents', 'shopify-event', this.integrations.shopifyEvents);
    if (this.integrations.stripeEvents !== undefined)
      watch.watchFunction('StripeEvents', 'stripe-event', this.integrations.stripeEvents);
    watch.watchQueue('send queue', this.sendQueue.queue);
    watch.watchQueue('segment queue', this.segmenter.segmentQueue);
    watch.watchQueue('engagement queue', this.engagement.queue);
    watch.watchDeadLetterQueue('Send', 'send steps', this.sendQueue.deadLetterQueue);
    watch.watchDeadLetterQueue('Segment', 'segmentation runs and segments', this.segmenter.deadLetterQueue);
    watch.watchDeadLetterQueue('Ingest', 'shop events', this.events.deadLetterQueue);
    watch.watchDeadLetterQueue('Engagement', 'SES events', this.engagement.deadLetterQueue);
    watch.watchDeadLetterQueue(
      'Integrations',
      'Shopify and Stripe events',
      this.integrations.deadLetterQueue,
    );
    if (this.replies !== undefined) {
      watch.watchDeadLetterQueue('Replies', 'received replies', this.replies.deadLetterQueue);
    }
    watch.watchSendingPaused();
    watch.watchSequencePauses();
    watch.finish();
    return watch;
  }

  private addOutputs(props: RekindleStackProps): void {
    new CfnOutput(this, 'TableName', { value: this.table.tableName });
    new CfnOutput(this, 'ImportBucketName', {
      value: this.ingestion.bucket.bucketName,
      description: 'Drop customers, orders and incidents files under imports/',
    });
    new CfnOutput(this, 'SendQueueUrl', { value: this.sendQueue.queue.queueUrl });
    new CfnOutput(this, 'ConfigurationSetName', {
      value: this.sending.configurationSet.configurationSetName,
    });
    new CfnOutput(this, 'UnsubscribeUrl', {
      value: this.unsubscribe.url,
      description:
        this.unsubscribe.front === undefined
          ? 'The List-Unsubscribe page (Lambda Function URL) every email links to'
          : 'The List-Unsubscribe page every email links to (CloudFront in front of the Lambda Function URL)',
    });
    if (this.replies !== undefined) {
      new CfnOutput(this, 'InboundBucketName', {
        value: this.replies.bucket.bucketName,
        description: 'Raw received replies, under inbound/',
      });
      new CfnOutput(this, 'ReceiptRuleSetName', {
        value: this.replies.ruleSet.receiptRuleSetName,
        description: 'Activate once: CloudFormation cannot (one active rule set per account and region)',
      });
      new CfnOutput(this, 'ActivateReceiptRuleSetCommand', {
        value: `aws ses set-active-receipt-rule-set --region ${Aws.REGION} --rule-set-name ${this.replies.ruleSet.receiptRuleSetName}`,
        description: 'Run once after the first deploy; it replaces any rule set active in this region',
      });
    }
    new CfnOutput(this, 'ShopifyWebhookUrl', {
      value: this.integrations.shopifyWebhookUrl.url,
      description:
        'Subscribe Shopify webhooks here (docs/integrations.md); put the app client secret as "shopify" in the IntegrationSecretName',
    });
    new CfnOutput(this, 'HelpdeskWebhookUrl', {
      value: this.integrations.helpdeskWebhookUrl.url,
      description: 'Helpdesk webhooks: <this>zendesk, <this>gorgias, <this>freshdesk (docs/integrations.md)',
    });
    new CfnOutput(this, 'IntegrationSecretName', {
      value: this.integrations.secret.secretName,
      description:
        'JSON: "shopify" (app client secret), "zendesk" (webhook signing secret), "token" (generated; for Gorgias and Freshdesk)',
    });
    new CfnOutput(this, 'LinkSigningSecretArn', {
      value: this.linkSigningKey.secretArn,
      description:
        'Retained on destroy; to redeploy with links in sent mail still verifying, pass -c linkSigningSecretArn=<this>',
    });
    new CfnOutput(this, 'AlarmTopicArn', {
      value: this.observability.topic.topicArn,
      description: 'Alarms are published here',
    });
    const testAlarm = this.observability.testAlarm;
    if (testAlarm !== undefined) {
      new CfnOutput(this, 'AlarmTestCommand', {
        value: `aws cloudwatch set-alarm-state --region ${Aws.REGION} --alarm-name ${testAlarm.alarmName} --state-value ALARM --state-reason "Rekindle alarm test"`,
        description:
          'Sends a test notification through the alarm topic; the alarm returns to OK at its next evaluation',
      });
    }
    new CfnOutput(this, 'DashboardUrl', {
      value: `https://${Aws.REGION}.console.aws.amazon.com/cloudwatch/home?region=${Aws.REGION}#dashboards:name=${this.observability.dashboard.dashboardName}`,
    });
    if (props.supportAddress !== undefined) {
      new CfnOutput(this, 'SupportAddress', {
        value: props.supportAddress,
        description: 'Replies are forwarded here; while in the SES sandbox, verify it as an identity',
      });
    }
    const identity = this.sending.identity;
    const records: [string, DnsRecord][] = identity.dnsRecords.map((record, index): [string, DnsRecord] => [
      record.outputId ?? `DnsRecord${index + 1}`,
      record,
    ]);
    if (identity.existing) {
      new CfnOutput(this, 'SenderIdentityCheck', {
        value: `aws sesv2 get-email-identity --region ${Aws.REGION} --email-identity ${props.senderDomain}`,
        description: `${props.senderDomain} is an existing SES identity, used as it is: its DKIM CNAMEs (<token>._domainkey.${props.senderDomain} CNAME <token>.dkim.amazonses.com for each DkimAttributes.Tokens) and MAIL FROM are whatever it has; check VerifiedForSendingStatus true and DkimAttributes.Status SUCCESS. Rekindle names its configuration set on every send, so the identity's default configuration set need not change.`,
      });
    }
    if (props.replyDomain !== undefined) {
      records.push([
        'DnsReplyMx',
        {
          name: props.replyDomain,
          type: 'MX',
          value: `10 inbound-smtp.${Aws.REGION}.amazonaws.com`,
          purpose: 'Replies: SES receives mail for the reply domain',
        },
      ]);
    }
    if (this.sending.trackingFront !== undefined) {
      records.push(['DnsTracking', this.sending.trackingFront.dnsRecord]);
    }
    if (this.unsubscribe.front !== undefined)
      records.push(['DnsUnsubscribe', this.unsubscribe.front.dnsRecord]);
    for (const [id, record] of records) {
      new CfnOutput(this, id, {
        value: `${record.name} ${record.type} ${record.value}`,
        description: record.purpose,
      });
    }
  }
}
