import { CfnResource, Duration, RemovalPolicy, Stack, Validations } from 'aws-cdk-lib';
import * as events from 'aws-cdk-lib/aws-events';
import * as targets from 'aws-cdk-lib/aws-events-targets';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import type * as s3 from 'aws-cdk-lib/aws-s3';
import * as secretsmanager from 'aws-cdk-lib/aws-secretsmanager';
import type * as sqs from 'aws-cdk-lib/aws-sqs';
import { Construct } from 'constructs';
import type { BakedBundle } from '../../functions/build/runtime-bundle.ts';
import { privacyPrefix } from '../../functions/core/import/live/live-change.ts';
import { shopifyEventDetailType } from '../../functions/core/import/live/shopify.ts';
import { stripeEventTypes } from '../../functions/core/import/live/stripe.ts';
import { EnvironmentNames } from '../../functions/handlers/environment.ts';
import type { CustomerTable } from './data.ts';
import { asyncDeadLetterQueue } from './dead-letter-queue.ts';
import type { InboundReplies } from './inbound-replies.ts';
import { RekindleFunction } from './rekindle-function.ts';

export interface ShopIntegrationsProps {
  readonly runtimeBundle: BakedBundle;
  readonly table: CustomerTable;
  /** Where data requests are answered and shop/redact recorded (under `privacy/`): the import bucket. */
  readonly dataBucket: s3.Bucket;
  /**
   * Inbound replies, whose raw mails an erasure deletes.
   * @default - none deployed: erasure deletes table items only
   */
  readonly replies?: InboundReplies;
  /**
   * The name of Shopify's partner event source (`aws.partner/shopify.com/<app id>/<name>`), from
   * the Partner Dashboard; its bus is created and Shopify's webhooks are read from it.
   * @default - no EventBridge delivery from Shopify (the webhook URL still works)
   */
  readonly shopifyEventSource?: string;
  /**
   * The name of Stripe's partner event source (`aws.partner/stripe.com/<destination id>`), from
   * the Stripe event destination; its bus is created and charges and customers are read from it.
   * @default - no Stripe events
   */
  readonly stripeEventSource?: string;
}

/**
 * Live data from the shop's platforms (docs/integrations.md): Shopify webhooks and helpdesk
 * tickets on two public Function URLs, each request verified by the platform's signature or the
 * shared secret before anything is read; Shopify's and Stripe's Amazon EventBridge deliveries on
 * their partner event buses. The platforms' secrets live in one Secrets Manager secret.
 */
export class ShopIntegrations extends Construct {
  /** `{ "shopify": …, "zendesk": …, "token": … }`; `token` is generated, the others are put by the owner. */
  readonly secret: secretsmanager.Secret;
  readonly shopifyWebhook: RekindleFunction;
  readonly shopifyWebhookUrl: lambda.FunctionUrl;
  readonly helpdeskWebhook: RekindleFunction;
  readonly helpdeskWebhookUrl: lambda.FunctionUrl;
  readonly shopifyEvents?: RekindleFunction;
  readonly stripeEvents?: RekindleFunction;
  /** Partner events the functions refused or EventBridge could not deliver. */
  readonly deadLetterQueue: sqs.Queue;

  constructor(scope: Construct, id: string, props: ShopIntegrationsProps) {
    super(scope, id);
    this.secret = new secretsmanager.Secret(this, 'Secret', {
      description:
        'Rekindle: secrets of the live endpoints (shopify, zendesk, and the shared token of Gorgias and Freshdesk)',
      generateSecretString: {
        secretStringTemplate: '{}',
        generateStringKey: 'token',
        excludePunctuation: true,
        passwordLength: 40,
      },
      removalPolicy: RemovalPolicy.DESTROY,
    });
    Validations.of(this.secret).acknowledge({
      id: 'AwsSolutions-SMG4',
      reason:
        'The Shopify and Zendesk values are issued by those platforms and change only there; the shared token is pasted into Gorgias and Freshdesk by hand, so an automatic rotation would break them until someone pastes it again.',
    });
    this.deadLetterQueue = asyncDeadLetterQueue(this, 'DeadLetterQueue');
    const tableName = { [EnvironmentNames.tableName]: props.table.tableName };
    const shopData = {
      ...tableName,
      [EnvironmentNames.importBucket]: props.dataBucket.bucketName,
      ...(props.replies === undefined
        ? {}
        : { [EnvironmentNames.inboundBucket]: props.replies.bucket.bucketName }),
    };

    this.shopifyWebhook = new RekindleFunction(this, 'ShopifyWebhook', {
      entry: 'functions/handlers/shopify-webhook.ts',
      description: 'Rekindle: Shopify webhooks (HMAC-verified): orders, customers, privacy requests',
      runtimeBundle: props.runtimeBundle,
      timeout: Duration.seconds(30),
      environment: { ...shopData, [EnvironmentNames.integrationSecretArn]: this.secret.secretArn },
    });
    this.grantShopData(this.shopifyWebhook, props);
    this.secret.grantRead(this.shopifyWebhook);
    this.shopifyWebhookUrl = this.publicUrl(this.shopifyWebhook);

    this.helpdeskWebhook = new RekindleFunction(this, 'HelpdeskWebhook', {
      entry: 'functions/handlers/helpdesk-webhook.ts',
      description: 'Rekindle: helpdesk tickets (Zendesk, Gorgias, Freshdesk) as incidents',
      runtimeBundle: props.runtimeBundle,
      timeout: Duration.seconds(15),
      memorySize: 256,
      environment: { ...tableName, [EnvironmentNames.integrationSecretArn]: this.secret.secretArn },
    });
    props.table.grantReadWrite(this.helpdeskWebhook);
    this.secret.grantRead(this.helpdeskWebhook);
    this.helpdeskWebhookUrl = this.publicUrl(this.helpdeskWebhook);

    if (props.shopifyEventSource !== undefined) {
      this.shopifyEvents = new RekindleFunction(this, 'ShopifyEvents', {
        entry: 'functions/handlers/shopify-event.ts',
        description: "Rekindle: Shopify webhooks through Shopify's EventBridge delivery",
        runtimeBundle: props.runtimeBundle,
        environment: shopData,
        deadLetterQueue: this.deadLetterQueue,
      });
      this.grantShopData(this.shopifyEvents, props);
      this.partnerRule('Shopify', props.shopifyEventSource, [shopifyEventDetailType], this.shopifyEvents);
    }
    if (props.stripeEventSource !== undefined) {
      this.stripeEvents = new RekindleFunction(this, 'StripeEvents', {
        entry: 'functions/handlers/stripe-event.ts',
        description: "Rekindle: Stripe charges and customers through Stripe's EventBridge destination",
        runtimeBundle: props.runtimeBundle,
        environment: tableName,
        deadLetterQueue: this.deadLetterQueue,
      });
      props.table.grantReadWrite(this.stripeEvents);
      this.partnerRule('Stripe', props.stripeEventSource, [...stripeEventTypes], this.stripeEvents);
    }
  }

  /** A public Function URL: the platforms call it unauthenticated, and the handler verifies every request. */
  private publicUrl(fn: RekindleFunction): lambda.FunctionUrl {
    return fn.function.addFunctionUrl({
      authType: lambda.FunctionUrlAuthType.NONE,
      invokeMode: lambda.InvokeMode.BUFFERED,
    });
  }

  /** The table; answers and records under `privacy/` in the data bucket; raw replies to delete on erasure. */
  private grantShopData(fn: RekindleFunction, props: ShopIntegrationsProps): void {
    props.table.grantReadWrite(fn);
    iam.Grant.addToPrincipal({
      grantee: fn,
      actions: ['s3:PutObject'],
      resourceArns: [props.dataBucket.arnForObjects(`${privacyPrefix}*`)],
    });
    const bucket = props.dataBucket.node.defaultChild;
    if (CfnResource.isCfnResource(bucket))
      Validations.of(fn).acknowledge({
        id: `AwsSolutions-IAM5[Resource::<${Stack.of(this).getLogicalId(bucket)}.Arn>/${privacyPrefix}*]`,
        reason: `Answers to data requests are named by the request; the wildcard is confined to the ${privacyPrefix} prefix of the import bucket.`,
      });
    props.replies?.grantReadMail(fn);
  }

  /** The partner event source's bus (the source must be pending in this account) and a rule on it. */
  private partnerRule(name: string, source: string, detailTypes: string[], fn: RekindleFunction): void {
    const bus = new events.CfnEventBus(this, `${name}Bus`, { name: source, eventSourceName: source });
    const rule = new events.Rule(this, `${name}Rule`, {
      description: `Rekindle: ${name} events for ${name.toLowerCase()}-event`,
      eventBus: events.EventBus.fromEventBusName(this, `${name}BusRef`, bus.ref),
      eventPattern: { source: [source], detailType: detailTypes },
      targets: [
        new targets.LambdaFunction(fn.function, {
          deadLetterQueue: this.deadLetterQueue,
          retryAttempts: 8,
          maxEventAge: Duration.hours(24),
        }),
      ],
    });
    rule.node.addDependency(bus);
  }
}
