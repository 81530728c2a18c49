import { Arn, Aws, CfnResource, CfnRule, Duration, Fn, RemovalPolicy, Stack, Validations } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as s3 from 'aws-cdk-lib/aws-s3';
import * as ses from 'aws-cdk-lib/aws-ses';
import * as actions from 'aws-cdk-lib/aws-ses-actions';
import type * as sqs from 'aws-cdk-lib/aws-sqs';
import { Construct } from 'constructs';
import type { BakedBundle } from '../../functions/build/runtime-bundle.ts';
import { EnvironmentNames } from '../../functions/handlers/environment.ts';
import type { CustomerTable } from './data.ts';
import { asyncDeadLetterQueue } from './dead-letter-queue.ts';
import type { LinkSigningKey } from './link-signing-key.ts';
import { RekindleFunction } from './rekindle-function.ts';
import type { SendPipeline } from './sending.ts';

/** The receipt rule stores each mail at `<inboundPrefix><SES message id>`. */
export const inboundPrefix = 'inbound/';

/**
 * Regions where SES receives email: the "Email receiving endpoints" table of the AWS General
 * Reference (Amazon SES endpoints and quotas). Elsewhere CloudFormation rejects the receipt rule
 * set and the whole stack fails; AWS adds regions, so add them here as it does.
 */
export const sesReceivingRegions: readonly string[] = [
  'us-east-1',
  'us-east-2',
  'us-west-2',
  'ca-central-1',
  'eu-central-1',
  'eu-west-1',
  'eu-west-2',
  'ap-northeast-1',
  'ap-southeast-1',
  'ap-southeast-2',
  'ap-southeast-3',
];

/**
 * The receipt rule's name: fixed, so the bucket policy and the function's permission can name the
 * rule's ARN before the rule exists (the rule depends on both). Unique within the stack's own rule set.
 */
export const replyRuleName = 'rekindle-replies';

export interface InboundRepliesProps {
  readonly runtimeBundle: BakedBundle;
  readonly table: CustomerTable;
  readonly sending: SendPipeline;
  readonly linkSigningKey: LinkSigningKey;
  /** Mail to any address at this domain (the signed `r+<token>@` reply addresses) is received. */
  readonly replyDomain: string;
  /**
   * Further exact addresses received, e.g. the List-Unsubscribe mailto; their domain's MX must
   * point at SES too.
   * @default - none
   */
  readonly extraRecipients?: readonly string[];
  /** Where the inbound bucket's server access logs go (under `inbound-bucket/`). */
  readonly accessLogsBucket: s3.IBucket;
  /**
   * How long raw received mail is kept. The reply's excerpt stays in the table; `rekindle forget`
   * deletes a person's raw mail sooner.
   * @default Duration.days(90)
   */
  readonly rawMailRetention?: Duration;
}

/**
 * Replies: an SES receipt rule set whose rule, for the reply domain, stores the raw mail in the
 * inbound bucket and then invokes receive-reply. CloudFormation cannot activate a rule set (only
 * one is active per account and region), so the operator activates it once after the first deploy.
 */
export class InboundReplies extends Construct {
  readonly bucket: s3.Bucket;
  readonly ruleSet: ses.ReceiptRuleSet;
  readonly rule: ses.ReceiptRule;
  readonly replyFunction: RekindleFunction;
  /** Invocations that failed after Lambda's retries. */
  readonly deadLetterQueue: sqs.Queue;

  constructor(scope: Construct, id: string, props: InboundRepliesProps) {
    super(scope, id);
    this.bucket = new s3.Bucket(this, 'Mail', {
      blockPublicAccess: s3.BlockPublicAccess.BLOCK_ALL,
      encryption: s3.BucketEncryption.S3_MANAGED,
      enforceSSL: true,
      objectOwnership: s3.ObjectOwnership.BUCKET_OWNER_ENFORCED,
      removalPolicy: RemovalPolicy.RETAIN,
      serverAccessLogsBucket: props.accessLogsBucket,
      serverAccessLogsPrefix: 'inbound-bucket/',
      lifecycleRules: [{ expiration: props.rawMailRetention ?? Duration.days(90) }],
    });

    this.deadLetterQueue = asyncDeadLetterQueue(this, 'DeadLetterQueue');
    this.replyFunction = new RekindleFunction(this, 'ReceiveReply', {
      entry: 'functions/handlers/receive-reply.ts',
      description: 'Rekindle: handle a reply received by SES (exit, unsubscribe, forward to support)',
      runtimeBundle: props.runtimeBundle,
      timeout: Duration.seconds(60),
      environment: {
        [EnvironmentNames.tableName]: props.table.tableName,
        [EnvironmentNames.inboundBucket]: this.bucket.bucketName,
        [EnvironmentNames.inboundPrefix]: inboundPrefix,
        [EnvironmentNames.configurationSet]: props.sending.configurationSet.configurationSetName,
        [EnvironmentNames.linkSecretArn]: props.linkSigningKey.secretArn,
      },
      deadLetterQueue: this.deadLetterQueue,
    });
    props.table.grantReadWrite(this.replyFunction);
    props.linkSigningKey.grantRead(this.replyFunction);
    props.sending.grantSend(this.replyFunction);
    this.grantReadMail(this.replyFunction);

    // Fails the deploy at template validation, before anything is created, in a region without SES receiving.
    new CfnRule(this, 'ReceivingRegion', {
      assertions: [
        {
          assert: Fn.conditionContains([...sesReceivingRegions], Aws.REGION),
          assertDescription: `SES receives email only in ${sesReceivingRegions.join(', ')}: deploy there, or with -c inboundReplies=false`,
        },
      ],
    });

    this.ruleSet = new ses.ReceiptRuleSet(this, 'RuleSet');
    // Only this rule of this account may write mail or invoke the function (no confused deputy).
    const sourceArn = Arn.format(
      {
        service: 'ses',
        resource: 'receipt-rule-set',
        resourceName: `${this.ruleSet.receiptRuleSetName}:receipt-rule/${replyRuleName}`,
      },
      Stack.of(this),
    );
    const fromThisRule = {
      StringEquals: { 'aws:SourceAccount': Aws.ACCOUNT_ID, 'aws:SourceArn': sourceArn },
    };
    // Added before the Lambda action binds, which then reuses it instead of adding one without SourceArn.
    this.replyFunction.function.addPermission('AllowSes', {
      action: 'lambda:InvokeFunction',
      principal: new iam.ServicePrincipal('ses.amazonaws.com'),
      sourceAccount: Aws.ACCOUNT_ID,
      sourceArn,
    });
    this.rule = this.ruleSet.addRule('Replies', {
      receiptRuleName: replyRuleName,
      recipients: [props.replyDomain, ...(props.extraRecipients ?? [])],
      scanEnabled: true,
      tlsPolicy: ses.TlsPolicy.OPTIONAL,
      actions: [
        new StoreInBucket(this.bucket, inboundPrefix, fromThisRule),
        new actions.Lambda({
          function: this.replyFunction.function,
          invocationType: actions.LambdaInvocationType.EVENT,
        }),
      ],
    });
  }

  /**
   * `s3:GetObject` (also what HeadObject needs) under `inbound/` only, and `s3:DeleteObject` there
   * for mail from or about a person erased on request (receive-reply keeps nothing of theirs); no list.
   */
  grantReadMail(grantee: iam.IGrantable): void {
    iam.Grant.addToPrincipal({
      grantee,
      actions: ['s3:GetObject', 's3:DeleteObject'],
      resourceArns: [this.bucket.arnForObjects(`${inboundPrefix}*`)],
    });
    const resource = this.bucket.node.defaultChild;
    if (Construct.isConstruct(grantee) && CfnResource.isCfnResource(resource)) {
      Validations.of(grantee).acknowledge({
        id: `AwsSolutions-IAM5[Resource::<${Stack.of(this).getLogicalId(resource)}.Arn>/${inboundPrefix}*]`,
        reason: `Received mail is stored under its SES message id; the wildcard is confined to the ${inboundPrefix} prefix of the inbound bucket.`,
      });
    }
  }
}

/**
 * The S3 receipt action, with a bucket policy that also names the rule (`aws:SourceArn`); CDK's own
 * `actions.S3` checks only the account.
 */
class StoreInBucket implements ses.IReceiptRuleAction {
  readonly #bucket: s3.Bucket;
  readonly #prefix: string;
  readonly #conditions: Record<string, unknown>;

  constructor(bucket: s3.Bucket, prefix: string, conditions: Record<string, unknown>) {
    this.#bucket = bucket;
    this.#prefix = prefix;
    this.#conditions = conditions;
  }

  bind(rule: Parameters<ses.IReceiptRuleAction['bind']>[0]): ses.ReceiptRuleActionConfig {
    this.#bucket.addToResourcePolicy(
      new iam.PolicyStatement({
        actions: ['s3:PutObject'],
        principals: [new iam.ServicePrincipal('ses.amazonaws.com')],
        resources: [this.#bucket.arnForObjects(`${this.#prefix}*`)],
        conditions: this.#conditions,
      }),
    );
    // SES tests that it may write when the rule is created, so the policy must exist first.
    const policy = this.#bucket.policy;
    if (policy !== undefined) rule.node.addDependency(policy);
    return { s3Action: { bucketName: this.#bucket.bucketName, objectKeyPrefix: this.#prefix } };
  }
}
