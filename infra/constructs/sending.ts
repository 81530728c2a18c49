import { Arn, Duration, Stack } from 'aws-cdk-lib';
import * as cloudfront from 'aws-cdk-lib/aws-cloudfront';
import * as origins from 'aws-cdk-lib/aws-cloudfront-origins';
import * as iam from 'aws-cdk-lib/aws-iam';
import { SqsEventSource } from 'aws-cdk-lib/aws-lambda-event-sources';
import * as ses from 'aws-cdk-lib/aws-ses';
import { Construct } from 'constructs';
import type { BakedBundle } from '../../functions/build/runtime-bundle.ts';
import { EnvironmentNames } from '../../functions/handlers/environment.ts';
import { type CustomDomain, CustomDomainFront } from './custom-domain-front.ts';
import type { CustomerTable } from './data.ts';
import type { LinkSigningKey } from './link-signing-key.ts';
import { RekindleFunction } from './rekindle-function.ts';
import type { StepScheduling } from './scheduling.ts';
import type { SendQueue } from './send-queue.ts';
import { SenderIdentity } from './sender-identity.ts';

export interface SendPipelineProps {
  readonly runtimeBundle: BakedBundle;
  readonly table: CustomerTable;
  readonly sendQueue: SendQueue;
  readonly scheduling: StepScheduling;
  readonly linkSigningKey: LinkSigningKey;
  /** The SES domain identity mail is sent from; the functions may send as nothing else. */
  readonly senderDomain: string;
  /**
   * The sender domain is already an SES identity in this account and region; use it as it is.
   * @default false
   */
  readonly existingSenderIdentity?: boolean;
  /**
   * Verified test addresses the functions may send to in the SES sandbox: there SES authorises a
   * send against the recipient's identity as well as the sender's.
   * @default - none (the mailbox simulator and the sender domain's own addresses need none)
   */
  readonly sandboxRecipients?: readonly string[];
  /** The base of every List-Unsubscribe link: the unsubscribe endpoint's URL. */
  readonly unsubscribeUrl: string;
  /**
   * Tracked links and the open pixel on the shop's own domain (SES's custom redirect domain),
   * over HTTPS through CloudFront to SES's tracking servers in this region. It must be the sender
   * domain or a subdomain of it: SES accepts only a verified domain.
   * @default - SES's own tracking domain (`*.awstrack.me`)
   */
  readonly trackingDomain?: CustomDomain;
  /**
   * The DMARC aggregate-report (`rua`) address in the DMARC record listed in the outputs.
   * @default - no reports
   */
  readonly dmarcReportAddress?: string;
  /**
   * At most this many send functions run at once: the account's SES send rate is the bottleneck,
   * and throttling there only burns retries. SQS event sources accept 2 to 1000.
   * @default 2
   */
  readonly maxConcurrency?: number;
  /**
   * Steps per invocation; small, so a paused or throttled batch returns few messages to the queue.
   * @default 5
   */
  readonly batchSize?: number;
}

/**
 * Sending: the SES identity and configuration set every message goes out through, and the
 * send-step function consuming the send queue, which sends one step, records it and schedules the next.
 * Open and click tracking is switched per message (each sequence's choice); the configuration set
 * only says where tracked links and the pixel point: SES's domain, or the shop's own.
 */
export class SendPipeline extends Construct {
  readonly configurationSet: ses.ConfigurationSet;
  readonly identity: SenderIdentity;
  /** CloudFront on the shop's tracking domain, when one was given. */
  readonly trackingFront?: CustomDomainFront;
  readonly sendFunction: RekindleFunction;
  readonly #senderDomain: string;
  readonly #sandboxRecipients: readonly string[];

  constructor(scope: Construct, id: string, props: SendPipelineProps) {
    super(scope, id);
    this.#senderDomain = props.senderDomain;
    this.#sandboxRecipients = props.sandboxRecipients ?? [];
    this.configurationSet = new ses.ConfigurationSet(this, 'ConfigurationSet', {
      reputationMetrics: true,
      sendingEnabled: true,
      // Addresses that hard-bounced or complained anywhere on SES are not sent to again.
      suppressionReasons: ses.SuppressionReasons.BOUNCES_AND_COMPLAINTS,
      ...(props.trackingDomain === undefined
        ? {}
        : {
            customTrackingRedirectDomain: props.trackingDomain.domainName,
            // Tracked links and the pixel over HTTPS only, which CloudFront serves for the domain.
            customTrackingHttpsPolicy: ses.HttpsPolicy.REQUIRE,
          }),
    });
    if (props.trackingDomain !== undefined) {
      // SES's tracking servers for this region; they answer to their own name, not the shop's.
      this.trackingFront = new CustomDomainFront(this, 'TrackingFront', {
        domain: props.trackingDomain,
        origin: new origins.HttpOrigin(`r.${Stack.of(this).region}.awstrack.me`, {
          protocolPolicy: cloudfront.OriginProtocolPolicy.HTTPS_ONLY,
        }),
        purpose: 'Tracked links and the open pixel',
      });
    }
    this.identity = new SenderIdentity(this, 'Identity', {
      senderDomain: props.senderDomain,
      configurationSet: this.configurationSet,
      existing: props.existingSenderIdentity ?? false,
      ...(props.dmarcReportAddress === undefined ? {} : { dmarcReportAddress: props.dmarcReportAddress }),
    });

    this.sendFunction = new RekindleFunction(this, 'SendStep', {
      entry: 'functions/handlers/send-step.ts',
      description: 'Rekindle: send one due step of a sequence and schedule the next',
      runtimeBundle: props.runtimeBundle,
      renders: true,
      timeout: Duration.seconds(30),
      environment: {
        [EnvironmentNames.tableName]: props.table.tableName,
        ...props.scheduling.environment,
        [EnvironmentNames.configurationSet]: this.configurationSet.configurationSetName,
        [EnvironmentNames.unsubscribeUrl]: props.unsubscribeUrl,
        [EnvironmentNames.linkSecretArn]: props.linkSigningKey.secretArn,
      },
    });
    this.sendFunction.function.addEventSource(
      new SqsEventSource(props.sendQueue.queue, {
        batchSize: props.batchSize ?? 5,
        maxConcurrency: props.maxConcurrency ?? 2,
        reportBatchItemFailures: true,
      }),
    );

    props.table.grantReadWrite(this.sendFunction);
    props.scheduling.grantScheduleSteps(this.sendFunction);
    props.linkSigningKey.grantRead(this.sendFunction);
    this.grantSend(this.sendFunction);
  }

  get senderDomain(): string {
    return this.#senderDomain;
  }

  /**
   * `ses:SendEmail` through this configuration set, from the sender domain's identity only, and,
   * for sandbox tests, to the named verified recipients' identities.
   */
  grantSend(grantee: iam.IGrantable): iam.Grant {
    const stack = Stack.of(this);
    const identity = (resourceName: string) =>
      Arn.format({ service: 'ses', resource: 'identity', resourceName }, stack);
    return iam.Grant.addToPrincipal({
      grantee,
      actions: ['ses:SendEmail'],
      resourceArns: [
        Arn.format(
          {
            service: 'ses',
            resource: 'configuration-set',
            resourceName: this.configurationSet.configurationSetName,
          },
          stack,
        ),
        identity(this.#senderDomain),
        ...this.#sandboxRecipients.map(identity),
      ],
    });
  }
}
