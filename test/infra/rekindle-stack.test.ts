import { mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { brotliDecompressSync } from 'node:zlib';
import { App, CfnResource, type Stack } from 'aws-cdk-lib';
import { Annotations, Match, Template } from 'aws-cdk-lib/assertions';
import { AwsSolutionsChecks } from 'cdk-nag';
import type { IConstruct } from 'constructs';
import { beforeAll, describe, expect, it } from 'vitest';
import { customerTableDesign } from '../../functions/adapters/dynamo/table-design.ts';
import { buildRuntimeBundle, type RuntimeBundle } from '../../functions/build/runtime-bundle.ts';
import { engagementBatching } from '../../functions/core/engagement/record-ses-event.ts';
import {
  type EnvironmentKey,
  EnvironmentNames,
  HelpdeskWebhookEnvironment,
  ShopifyEventEnvironment,
  ShopifyWebhookEnvironment,
} from '../../functions/handlers/environment.ts';
import { bakedCompression } from '../../functions/handlers/runtime-bundle.ts';
import {
  buildApp,
  checkReceivingRegion,
  RekindleContextSchema,
  resolveParameters,
  sesReceivingRegions,
} from '../../infra/build-app.ts';
import { functionNodeOptions } from '../../infra/constructs/function-runtime.ts';
import { replyRuleName } from '../../infra/constructs/inbound-replies.ts';

type Resources = Record<string, { Properties?: Record<string, unknown> }>;

const importEnvironment = [EnvironmentNames.tableName];
const schedulingEnvironment = [
  EnvironmentNames.tableName,
  EnvironmentNames.scheduleGroup,
  EnvironmentNames.schedulerRoleArn,
  EnvironmentNames.sendQueueArn,
  EnvironmentNames.sendDeadLetterQueueArn,
];
const sendEnvironment = [
  ...schedulingEnvironment,
  EnvironmentNames.configurationSet,
  EnvironmentNames.unsubscribeUrl,
  EnvironmentNames.linkSecretArn,
];
const planEnvironment = [EnvironmentNames.tableName, EnvironmentNames.segmentQueueUrl];
const replyEnvironment = [
  EnvironmentNames.tableName,
  EnvironmentNames.inboundBucket,
  EnvironmentNames.inboundPrefix,
  EnvironmentNames.configurationSet,
  EnvironmentNames.linkSecretArn,
];
const unsubscribeEnvironment = [EnvironmentNames.tableName, EnvironmentNames.linkSecretArn];

const context = {
  senderDomain: 'northwind.example',
  replyDomain: 'reply.northwind.example',
  supportAddress: 'support@northwind.example',
  alarmEmail: 'ops@northwind.example',
};

const certificateArn = 'arn:aws:acm:us-east-1:123456789012:certificate/0a1b2c3d-4e5f-6789-abcd-ef0123456789';
/** The shop's own domains for tracked links and the unsubscribe page, and its DMARC report mailbox. */
const domainsContext = {
  trackingDomain: 'links.northwind.example',
  trackingCertificateArn: certificateArn,
  unsubscribeDomain: 'unsubscribe.northwind.example',
  unsubscribeCertificateArn: certificateArn,
  dmarcRua: 'dmarc-reports@northwind.example',
};

// One synth (eight esbuild bundles) shared by every assertion.
let app: App;
let template: Template;
let sendQueueId: string;
let deadLetterQueueId: string;
let config: RuntimeBundle['config'];

/** Every statement of every identity policy attached to the role whose logical id starts with `rolePrefix`. */
const statementsOf = (rolePrefix: string): Record<string, unknown>[] =>
  Object.values(
    template.findResources('AWS::IAM::Policy', {
      Properties: { Roles: [{ Ref: Match.stringLikeRegexp(`^${rolePrefix}`) }] },
    }),
  ).flatMap((policy) => policy.Properties.PolicyDocument.Statement as Record<string, unknown>[]);

/** Every statement of every identity policy attached to the role whose logical id starts with `rolePrefix`, in `of`. */
const statementsOfIn = (of: Template, rolePrefix: string): Record<string, unknown>[] =>
  Object.values(
    of.findResources('AWS::IAM::Policy', {
      Properties: { Roles: [{ Ref: Match.stringLikeRegexp(`^${rolePrefix}`) }] },
    }),
  ).flatMap((policy) => policy.Properties.PolicyDocument.Statement as Record<string, unknown>[]);

beforeAll(async () => {
  const built = await buildApp({
    app: new App({ outdir: mkdtempSync(join(tmpdir(), 'rekindle-infra-')) }),
    configFile: 'config/rekindle.yaml',
    templatesDir: 'templates',
    context,
  });
  config = (await buildRuntimeBundle({ configFile: 'config/rekindle.yaml', templatesDir: 'templates' }))
    .config;
  app = built.app;
  template = Template.fromStack(built.stack);
  const logicalId = (construct: IConstruct) => {
    const resource = construct.node.defaultChild;
    if (!CfnResource.isCfnResource(resource)) throw new Error(`${construct.node.path} has no CfnResource`);
    return built.stack.getLogicalId(resource);
  };
  sendQueueId = logicalId(built.stack.sendQueue.queue);
  deadLetterQueueId = logicalId(built.stack.sendQueue.deadLetterQueue);
});

describe('RekindleStack', () => {
  /** The runtime bundle baked into a function's code, expanded (functions/build/runtime-bundle.ts); '' if none. */
  const bakedIn = (code: string): string => {
    const baked = new RegExp(`"${bakedCompression}([A-Za-z0-9+/=]+)"`).exec(code)?.[1];
    return baked === undefined ? '' : brotliDecompressSync(Buffer.from(baked, 'base64')).toString('utf8');
  };

  it('bakes the templates into the function that renders and the config alone into the others, each under 400 KB', () => {
    const functions = Object.values(
      template.findResources('AWS::Lambda::Function', {
        Properties: { Description: Match.stringLikeRegexp('^Rekindle: ') },
      }),
    ).map((resource) => {
      const properties = resource.Properties as { Description: string; Code: { S3Key: string } };
      const directory = join(app.outdir, `asset.${properties.Code.S3Key.replace(/\.zip$/, '')}`);
      const file = readdirSync(directory).find((name) => /^index\.m?js$/.test(name)) ?? 'index.js';
      const code = readFileSync(join(directory, file), 'utf8');
      const map: unknown = JSON.parse(readFileSync(join(directory, `${file}.map`), 'utf8'));
      return {
        description: properties.Description,
        bytes: Buffer.byteLength(code),
        baked: bakedIn(code),
        linksMap: code.trimEnd().endsWith(`//# sourceMappingURL=${file}.map`),
        map: typeof map === 'object' && map !== null ? map : {},
      };
    });
    expect(functions).toHaveLength(10);
    // A compiled template's catalogue key: only in the sender's bundle.
    const withTemplates = functions.filter((fn) => fn.baked.includes('checking-in/en'));
    expect(withTemplates.map((fn) => fn.description)).toEqual([
      'Rekindle: send one due step of a sequence and schedule the next',
    ]);
    // Every function that reads the config has it (event ingest and the Shopify webhook read none).
    const withConfig = functions.filter((fn) => fn.baked.includes('gentle-winback'));
    expect(withConfig).toHaveLength(8);
    for (const fn of functions) expect(fn.bytes, fn.description).toBeLessThan(400 * 1024);
    // Stack traces are mapped (NODE_OPTIONS below) through maps without the sources' text, which Node
    // would read and parse at every cold start for nothing (infra/constructs/function-runtime.ts).
    for (const fn of functions) {
      expect(fn.linksMap, fn.description).toBe(true);
      expect(fn.map, fn.description).toHaveProperty('mappings');
      expect(fn.map, fn.description).not.toHaveProperty('sourcesContent');
    }
  });

  it('builds the table from customerTableDesign', () => {
    const design = customerTableDesign;
    template.resourceCountIs('AWS::DynamoDB::GlobalTable', 1);
    template.hasResource('AWS::DynamoDB::GlobalTable', {
      DeletionPolicy: 'Retain',
      UpdateReplacePolicy: 'Retain',
      Properties: Match.objectLike({
        KeySchema: [
          { AttributeName: design.partitionKey, KeyType: 'HASH' },
          { AttributeName: design.sortKey, KeyType: 'RANGE' },
        ],
        BillingMode: 'PAY_PER_REQUEST',
        TimeToLiveSpecification: { AttributeName: design.timeToLiveAttribute, Enabled: true },
        GlobalSecondaryIndexes: [
          {
            IndexName: design.index.name,
            KeySchema: [
              { AttributeName: design.index.partitionKey, KeyType: 'HASH' },
              { AttributeName: design.index.sortKey, KeyType: 'RANGE' },
            ],
            Projection: { ProjectionType: 'ALL' },
          },
        ],
        SSESpecification: Match.objectLike({ SSEEnabled: true }),
        Replicas: [
          Match.objectLike({
            DeletionProtectionEnabled: true,
            PointInTimeRecoverySpecification: { PointInTimeRecoveryEnabled: true },
          }),
        ],
      }),
    });
  });

  it('runs every function on Node.js 22, arm64, with the environment its handler parses', () => {
    const functions = template.findResources('AWS::Lambda::Function', {
      Properties: { Description: Match.stringLikeRegexp('^Rekindle: ') },
    });
    // Besides ours, only CDK's deploy-time handler that applies bucket notifications.
    const others = Object.keys(template.findResources('AWS::Lambda::Function')).filter(
      (id) => !(id in functions),
    );
    expect(others).toEqual([expect.stringMatching(/^BucketNotificationsHandler/)]);
    const byDescription = (fragment: string) => {
      const found = Object.values(functions).filter((fn) =>
        String(fn.Properties.Description).includes(fragment),
      );
      expect(found).toHaveLength(1);
      return found[0]?.Properties;
    };
    expect(Object.keys(functions)).toHaveLength(10);
    for (const fn of Object.values(functions)) {
      expect(fn.Properties).toMatchObject({
        Runtime: 'nodejs22.x',
        Architectures: ['arm64'],
        LoggingConfig: { LogFormat: 'JSON' },
        Environment: { Variables: { NODE_OPTIONS: functionNodeOptions } },
      });
    }
    const names = (fn: { Environment: { Variables: Record<string, unknown> } } | undefined) =>
      Object.keys(fn?.Environment.Variables ?? {})
        .filter((name) => name !== 'NODE_OPTIONS')
        .sort();
    expect(names(byDescription('import a dropped'))).toEqual([...importEnvironment].sort());
    expect(names(byDescription('ingest an order'))).toEqual([...importEnvironment].sort());
    expect(names(byDescription('plan the daily'))).toEqual([...planEnvironment].sort());
    expect(names(byDescription('score one scan segment'))).toEqual([...schedulingEnvironment].sort());
    expect(names(byDescription('send one due step'))).toEqual([...sendEnvironment].sort());
    expect(names(byDescription('record a batch of SES'))).toEqual([...importEnvironment].sort());
    expect(names(byDescription('handle a reply'))).toEqual([...replyEnvironment].sort());
    expect(names(byDescription('unsubscribe and preferences'))).toEqual([...unsubscribeEnvironment].sort());
    // Shopify's erasure deletes raw replies, so it is told the inbound bucket when replies are deployed.
    const shopifyWebhookKeys: EnvironmentKey[] = [...ShopifyWebhookEnvironment, 'inboundBucket'];
    expect(names(byDescription('Shopify webhooks (HMAC'))).toEqual(
      shopifyWebhookKeys.map((key) => EnvironmentNames[key]).sort(),
    );
    expect(names(byDescription('helpdesk tickets'))).toEqual(
      HelpdeskWebhookEnvironment.map((key) => EnvironmentNames[key]).sort(),
    );
    expect(byDescription('handle a reply')?.Environment.Variables[EnvironmentNames.inboundPrefix]).toBe(
      'inbound/',
    );
  });

  it("leaves tracked links on SES's domain and unsubscribe on the Function URL unless told otherwise", () => {
    template.resourceCountIs('AWS::CloudFront::Distribution', 0);
    const [set] = Object.values(template.findResources('AWS::SES::ConfigurationSet'));
    expect(set?.Properties?.TrackingOptions).toBeUndefined();
    expect(template.toJSON().Outputs).not.toHaveProperty('DnsTracking');
    expect(template.toJSON().Outputs).not.toHaveProperty('DnsUnsubscribe');
  });

  it('serves unsubscribe on a public Function URL and hands that URL to send-step', () => {
    const urls = template.findResources('AWS::Lambda::Url');
    // Besides unsubscribe, the Shopify and helpdesk webhooks (each request verified by its handler).
    expect(Object.keys(urls)).toHaveLength(3);
    const [urlId, url] =
      Object.entries(urls).find(([id]) => id.startsWith('UnsubscribeUnsubscribeFunction')) ??
      Object.entries(urls).find(([, resource]) =>
        JSON.stringify(resource.Properties.TargetFunctionArn).includes('UnsubscribeFunction'),
      ) ??
      [];
    expect(url?.Properties).toMatchObject({
      AuthType: 'NONE',
      TargetFunctionArn: { 'Fn::GetAtt': [expect.stringMatching(/^UnsubscribeFunction/), 'Arn'] },
    });
    template.hasResourceProperties('AWS::Lambda::Function', {
      Description: Match.stringLikeRegexp('send one due step'),
      Environment: {
        Variables: Match.objectLike({
          [EnvironmentNames.unsubscribeUrl]: { 'Fn::GetAtt': [urlId, 'FunctionUrl'] },
        }),
      },
    });
    template.hasOutput('UnsubscribeUrl', { Value: { 'Fn::GetAtt': [urlId, 'FunctionUrl'] } });
  });

  it('gives every asynchronously invoked function a dead-letter queue and two retries', () => {
    for (const fragment of ['ingest an order', 'plan the daily', 'handle a reply']) {
      const found = template.findResources('AWS::Lambda::Function', {
        Properties: {
          Description: Match.stringLikeRegexp(fragment),
          DeadLetterConfig: { TargetArn: { 'Fn::GetAtt': [Match.anyValue(), 'Arn'] } },
        },
      });
      expect({ fragment, count: Object.keys(found).length }).toEqual({ fragment, count: 1 });
      const [id] = Object.keys(found);
      template.hasResourceProperties('AWS::Lambda::EventInvokeConfig', {
        FunctionName: { Ref: id },
        MaximumRetryAttempts: 2,
      });
    }
  });

  it('keeps function logs a month and encrypts every queue, bucket, topic and secret', () => {
    const logGroups = Object.values(template.findResources('AWS::Logs::LogGroup'));
    expect(logGroups).toHaveLength(10);
    for (const group of logGroups) expect(group.Properties.RetentionInDays).toBe(30);
    const queues = Object.values(template.findResources('AWS::SQS::Queue'));
    expect(queues).toHaveLength(9);
    for (const queue of queues) expect(queue.Properties.SqsManagedSseEnabled).toBe(true);
    for (const bucket of Object.values(template.findResources('AWS::S3::Bucket'))) {
      expect(bucket.Properties.BucketEncryption).toEqual({
        ServerSideEncryptionConfiguration: [{ ServerSideEncryptionByDefault: { SSEAlgorithm: 'AES256' } }],
      });
    }
    template.hasResourceProperties('AWS::SNS::Topic', {
      KmsMasterKeyId: { 'Fn::GetAtt': [Match.stringLikeRegexp('^ObservabilityTopicKey'), 'Arn'] },
    });
    template.hasResourceProperties('AWS::KMS::Key', { EnableKeyRotation: true });
    // Every queue and the topic refuse requests without TLS.
    const denyInsecure = Match.arrayWith([
      Match.objectLike({ Effect: 'Deny', Condition: { Bool: { 'aws:SecureTransport': 'false' } } }),
    ]);
    expect(
      Object.keys(
        template.findResources('AWS::SQS::QueuePolicy', {
          Properties: { PolicyDocument: { Statement: denyInsecure } },
        }),
      ),
    ).toHaveLength(9);
    template.hasResourceProperties('AWS::SNS::TopicPolicy', { PolicyDocument: { Statement: denyInsecure } });
  });

  it('consumes the send queue with partial batch failures and bounded concurrency', () => {
    template.hasResourceProperties('AWS::Lambda::EventSourceMapping', {
      EventSourceArn: { 'Fn::GetAtt': [sendQueueId, 'Arn'] },
      FunctionResponseTypes: ['ReportBatchItemFailures'],
      ScalingConfig: { MaximumConcurrency: 2 },
      BatchSize: 5,
    });
    template.hasResourceProperties('AWS::SQS::Queue', {
      SqsManagedSseEnabled: true,
      RedrivePolicy: {
        deadLetterTargetArn: { 'Fn::GetAtt': [deadLetterQueueId, 'Arn'] },
        maxReceiveCount: 3,
      },
    });
  });

  it('lets the step scheduler role do nothing but sqs:SendMessage to the send queue and its DLQ', () => {
    const roles = template.findResources('AWS::IAM::Role', {
      Properties: { Description: Match.stringLikeRegexp('delivering due steps') },
    });
    const [roleId, role] = Object.entries(roles)[0] ?? [];
    expect(Object.keys(roles)).toHaveLength(1);
    expect(role?.Properties.ManagedPolicyArns).toBeUndefined();
    expect(role?.Properties.Policies).toBeUndefined();
    const policies = Object.values(
      template.findResources('AWS::IAM::Policy', { Properties: { Roles: [{ Ref: roleId }] } }),
    );
    expect(policies).toHaveLength(1);
    expect(policies[0]?.Properties.PolicyDocument.Statement).toEqual([
      {
        Effect: 'Allow',
        Action: 'sqs:SendMessage',
        Resource: [{ 'Fn::GetAtt': [sendQueueId, 'Arn'] }, { 'Fn::GetAtt': [deadLetterQueueId, 'Arn'] }],
      },
    ]);
  });

  it('confines step-schedule management to the group and PassRole to the scheduler role', () => {
    const statements = Object.values(template.findResources('AWS::IAM::Policy')).flatMap(
      (policy) => policy.Properties.PolicyDocument.Statement as Record<string, unknown>[],
    );
    const scheduling = statements.filter((s) => JSON.stringify(s.Action).includes('scheduler:'));
    expect(scheduling).toHaveLength(2); // score-segment and send-step
    for (const statement of scheduling) {
      expect(JSON.stringify(statement.Resource)).toMatch(
        /:schedule\/",\{"Ref":"StepSchedulingGroup\w+"\},"\/\*"/,
      );
    }
    const passRole = statements.filter((s) => s.Action === 'iam:PassRole');
    expect(passRole).toHaveLength(2);
    for (const statement of passRole) {
      expect(statement.Resource).toEqual({
        'Fn::GetAtt': [expect.stringMatching(/^StepSchedulingRole/), 'Arn'],
      });
    }
  });

  it('lets send-step and receive-reply send only through the configuration set and the sender identity', () => {
    const statements = Object.values(template.findResources('AWS::IAM::Policy')).flatMap(
      (policy) => policy.Properties.PolicyDocument.Statement as Record<string, unknown>[],
    );
    const ses = statements.filter((s) => JSON.stringify(s.Action).includes('ses:'));
    expect(ses).toHaveLength(2);
    for (const statement of ses) {
      expect(statement.Action).toBe('ses:SendEmail');
      expect(JSON.stringify(statement.Resource)).toContain(':identity/northwind.example"');
      expect(JSON.stringify(statement.Resource)).toContain(':configuration-set/');
    }
    expect(statementsOf('RepliesReceiveReplyRole').some((s) => s.Action === 'ses:SendEmail')).toBe(true);
    template.hasResourceProperties('AWS::SES::ConfigurationSet', {
      ReputationOptions: { ReputationMetricsEnabled: true },
    });
  });

  it('verifies the sender domain with 2048-bit Easy DKIM and a custom MAIL FROM domain', () => {
    template.hasResourceProperties('AWS::SES::EmailIdentity', {
      EmailIdentity: 'northwind.example',
      DkimAttributes: { SigningEnabled: true },
      DkimSigningAttributes: { NextSigningKeyLength: 'RSA_2048_BIT' },
      MailFromAttributes: {
        MailFromDomain: 'mail.northwind.example',
        BehaviorOnMxFailure: 'USE_DEFAULT_VALUE',
      },
      ConfigurationSetAttributes: {
        ConfigurationSetName: { Ref: Match.stringLikeRegexp('^SendingConfigurationSet') },
      },
    });
  });

  it('lists every DNS record to create as an output', () => {
    const outputs = template.toJSON().Outputs as Record<string, { Value: unknown }>;
    const text = (id: string) => JSON.stringify(outputs[id]?.Value);
    for (const index of [1, 2, 3]) {
      expect(text(`DnsDkim${index}`)).toMatch(/DkimDNSTokenName\d.* CNAME .*DkimDNSTokenValue\d/);
    }
    expect(text('DnsMailFromMx')).toMatch(
      /mail\.northwind\.example MX 10 feedback-smtp\.",\{"Ref":"AWS::Region"\},"\.amazonses\.com/,
    );
    expect(text('DnsMailFromSpf')).toContain(
      'mail.northwind.example TXT \\"v=spf1 include:amazonses.com ~all\\"',
    );
    // Aggregate reports go to the support address unless -c dmarcRua says otherwise.
    expect(text('DnsDmarc')).toContain(
      '_dmarc.northwind.example TXT \\"v=DMARC1; p=none; rua=mailto:support@northwind.example;\\"',
    );
    expect(text('DnsReplyMx')).toMatch(
      /reply\.northwind\.example MX 10 inbound-smtp\.",\{"Ref":"AWS::Region"\},"\.amazonaws\.com/,
    );
    template.hasOutput('ReceiptRuleSetName', { Value: { Ref: Match.stringLikeRegexp('^RepliesRuleSet') } });
    template.hasOutput('SupportAddress', { Value: 'support@northwind.example' });
  });

  it('publishes every SES event of the configuration set to record-engagement through a queue, with a dead-letter queue', () => {
    template.hasResourceProperties('AWS::SES::ConfigurationSetEventDestination', {
      EventDestination: Match.objectLike({
        Enabled: true,
        EventBridgeDestination: {
          EventBusArn: { 'Fn::Join': ['', Match.arrayWith([':event-bus/default'])] },
        },
        MatchingEventTypes: Match.arrayWith(['send', 'bounce', 'complaint', 'delivery', 'open', 'click']),
      }),
    });
    template.hasResourceProperties('AWS::Events::Rule', {
      EventPattern: {
        source: ['aws.ses'],
        detail: {
          mail: {
            tags: { 'ses:configuration-set': [{ Ref: Match.stringLikeRegexp('^SendingConfigurationSet') }] },
          },
        },
      },
      Targets: [
        Match.objectLike({
          Arn: { 'Fn::GetAtt': [Match.stringLikeRegexp('^EngagementQueue'), 'Arn'] },
          DeadLetterConfig: {
            Arn: { 'Fn::GetAtt': [Match.stringLikeRegexp('^EngagementDeadLetterQueue'), 'Arn'] },
          },
        }),
      ],
    });
    // Batches of events, each stored in one transaction; failures retried alone, then parked.
    template.hasResourceProperties('AWS::Lambda::EventSourceMapping', {
      EventSourceArn: { 'Fn::GetAtt': [Match.stringLikeRegexp('^EngagementQueue'), 'Arn'] },
      FunctionName: { Ref: Match.stringLikeRegexp('^EngagementRecordEngagementFunction') },
      BatchSize: engagementBatching.batchSize,
      MaximumBatchingWindowInSeconds: 5,
      ScalingConfig: { MaximumConcurrency: engagementBatching.maxConcurrency },
      FunctionResponseTypes: ['ReportBatchItemFailures'],
    });
    template.hasResourceProperties('AWS::SQS::Queue', {
      VisibilityTimeout: 180,
      RedrivePolicy: {
        deadLetterTargetArn: { 'Fn::GetAtt': [Match.stringLikeRegexp('^EngagementDeadLetterQueue'), 'Arn'] },
        maxReceiveCount: 5,
      },
    });
    // Only EventBridge's rule may put messages on the queue.
    template.hasResourceProperties('AWS::SQS::QueuePolicy', {
      Queues: [{ Ref: Match.stringLikeRegexp('^EngagementQueue') }],
      PolicyDocument: {
        Statement: Match.arrayWith([
          Match.objectLike({
            Action: Match.arrayWith(['sqs:SendMessage']),
            Principal: { Service: 'events.amazonaws.com' },
            Condition: {
              ArnEquals: {
                'aws:SourceArn': { 'Fn::GetAtt': [Match.stringLikeRegexp('^EngagementRule'), 'Arn'] },
              },
            },
          }),
        ]),
      },
    });
  });

  it('routes the four shop event types to ingest-event, with a dead-letter queue', () => {
    template.hasResourceProperties('AWS::Events::Rule', {
      EventPattern: {
        source: ['shop'],
        'detail-type': ['order.placed', 'incident.opened', 'incident.resolved', 'customer.updated'],
      },
      Targets: [
        Match.objectLike({
          Arn: { 'Fn::GetAtt': [Match.stringLikeRegexp('^EventsIngestEventFunction'), 'Arn'] },
          DeadLetterConfig: {
            Arn: { 'Fn::GetAtt': [Match.stringLikeRegexp('^EventsDeadLetterQueue'), 'Arn'] },
          },
        }),
      ],
    });
  });

  it('stores replies under inbound/ and then invokes receive-reply, which may only read there (and delete mail of an erased person)', () => {
    template.hasResourceProperties('AWS::SES::ReceiptRule', {
      RuleSetName: { Ref: Match.stringLikeRegexp('^RepliesRuleSet') },
      Rule: {
        Enabled: true,
        ScanEnabled: true,
        TlsPolicy: 'Optional',
        // The one-click mailto is on the reply domain in the sample config, so the domain covers it.
        Recipients: config.sender.unsubscribeMailto.endsWith('@reply.northwind.example')
          ? ['reply.northwind.example']
          : ['reply.northwind.example', config.sender.unsubscribeMailto],
        Actions: [
          {
            S3Action: {
              BucketName: { Ref: Match.stringLikeRegexp('^RepliesMail') },
              ObjectKeyPrefix: 'inbound/',
            },
          },
          {
            LambdaAction: {
              FunctionArn: { 'Fn::GetAtt': [Match.stringLikeRegexp('^RepliesReceiveReplyFunction'), 'Arn'] },
              InvocationType: 'Event',
            },
          },
        ],
      },
    });
    const s3 = statementsOf('RepliesReceiveReplyRole').filter((s) =>
      JSON.stringify(s.Action).includes('s3:'),
    );
    expect(s3.map((s) => [s.Action, JSON.stringify(s.Resource).match(/"\/(\w+\/\*)"/)?.[1]])).toEqual([
      [['s3:GetObject', 's3:DeleteObject'], 'inbound/*'],
    ]);
    template.hasResourceProperties('AWS::S3::Bucket', {
      LifecycleConfiguration: { Rules: [Match.objectLike({ ExpirationInDays: 90 })] },
      LoggingConfiguration: Match.objectLike({ LogFilePrefix: 'inbound-bucket/' }),
    });
  });

  it('expires dropped import files and their reports after 30 days (customer lists are personal data)', () => {
    template.hasResourceProperties('AWS::S3::Bucket', {
      LifecycleConfiguration: {
        Rules: Match.arrayWith([
          Match.objectLike({ Prefix: 'imports/', ExpirationInDays: 30, Status: 'Enabled' }),
          Match.objectLike({ Prefix: 'reports/', ExpirationInDays: 30, Status: 'Enabled' }),
        ]),
      },
      LoggingConfiguration: Match.objectLike({ LogFilePrefix: 'imports-bucket/' }),
    });
  });

  it('fans segmentation out over a segment queue with bounded concurrency and a dead-letter queue', () => {
    template.hasResourceProperties('AWS::Lambda::EventSourceMapping', {
      FunctionName: { Ref: Match.stringLikeRegexp('^SegmenterScoreSegmentFunction') },
      EventSourceArn: { 'Fn::GetAtt': [Match.stringLikeRegexp('^SegmenterSegmentQueue'), 'Arn'] },
      FunctionResponseTypes: ['ReportBatchItemFailures'],
      ScalingConfig: { MaximumConcurrency: 4 },
      BatchSize: 1,
    });
    // Six times the function timeout (Lambda's advice for SQS sources), so a retried batch is not handed out twice.
    const scoreTimeout = Object.values(
      template.findResources('AWS::Lambda::Function', {
        Properties: { Description: Match.stringLikeRegexp('score one scan segment') },
      }),
    )[0]?.Properties?.Timeout;
    expect(scoreTimeout).toBe(900);
    template.hasResourceProperties('AWS::SQS::Queue', {
      VisibilityTimeout: 6 * 900,
      RedrivePolicy: {
        deadLetterTargetArn: { 'Fn::GetAtt': [Match.stringLikeRegexp('^SegmenterDeadLetterQueue'), 'Arn'] },
        maxReceiveCount: 3,
      },
    });
    const sqs = statementsOf('SegmenterPlanSegmentationRole').filter((s) =>
      JSON.stringify(s.Action).includes('sqs:'),
    );
    // The planner's own DLQ grant (Lambda's on-failure delivery) and sending segment tasks.
    expect(sqs.map((s) => s.Resource)).toEqual([
      { 'Fn::GetAtt': [expect.stringMatching(/^SegmenterDeadLetterQueue/), 'Arn'] },
      { 'Fn::GetAtt': [expect.stringMatching(/^SegmenterSegmentQueue/), 'Arn'] },
    ]);
  });

  it('alarms on dead letters, failures, throttles, paused sending, paused sequences and SES reputation, to the topic', () => {
    const alarms = Object.values(template.findResources('AWS::CloudWatch::Alarm'));
    const described = (fragment: string) =>
      alarms.filter((alarm) => String(alarm.Properties.AlarmDescription).includes(fragment));
    expect(described('dead-letter queue')).toHaveLength(6);
    expect(described('invocations failed').length).toBeGreaterThanOrEqual(4);
    expect(described('throttled')).toHaveLength(1);
    expect(described('paused sending')).toHaveLength(1);
    for (const alarm of alarms) {
      expect(alarm.Properties.AlarmActions).toEqual([
        { Ref: expect.stringMatching(/^ObservabilityAlarmTopic/) },
      ]);
    }
    template.hasResourceProperties('AWS::CloudWatch::Alarm', {
      Namespace: 'AWS/SES',
      MetricName: 'Reputation.BounceRate',
      Threshold: 0.04,
    });
    template.hasResourceProperties('AWS::CloudWatch::Alarm', {
      Namespace: 'AWS/SES',
      MetricName: 'Reputation.ComplaintRate',
      Threshold: 0.0008,
    });
    template.hasResourceProperties('AWS::CloudWatch::Alarm', {
      Namespace: 'Rekindle',
      MetricName: 'SesSendingPaused',
      Dimensions: [{ Name: 'service', Value: 'send-step' }],
    });
    // A sequence paused for its complaint rate (issue 7) wakes somebody up.
    template.hasResourceProperties('AWS::CloudWatch::Alarm', {
      Namespace: 'Rekindle',
      MetricName: 'SequencesPausedForComplaints',
      Dimensions: [{ Name: 'service', Value: 'record-engagement' }],
      Threshold: 1,
    });
    template.hasResourceProperties('AWS::SNS::Subscription', {
      Protocol: 'email',
      Endpoint: 'ops@northwind.example',
    });
    template.resourceCountIs('AWS::CloudWatch::Dashboard', 1);
  });

  it('shows on the dashboard the steps held back by the kill switch, a sequence pause and SES pausing the account', () => {
    const [dashboard] = Object.values(template.findResources('AWS::CloudWatch::Dashboard'));
    const body = JSON.stringify(dashboard?.Properties.DashboardBody);
    expect(body).toContain('Held back by a pause');
    for (const pause of ['kill-switch', 'sequence', 'ses-account'])
      expect(body).toContain(
        `[\\"Rekindle\\",\\"StepsHeldBackByPause\\",\\"pause\\",\\"${pause}\\",\\"service\\",\\"send-step\\"`,
      );
  });

  it("lets CloudWatch publish to the alarm topic and use its key, for this account's alarms only, over TLS only", () => {
    const fromThisAccountsAlarms = {
      StringEquals: { 'aws:SourceAccount': { Ref: 'AWS::AccountId' } },
      ArnLike: {
        'aws:SourceArn': {
          'Fn::Join': [
            '',
            [
              'arn:',
              { Ref: 'AWS::Partition' },
              ':cloudwatch:',
              { Ref: 'AWS::Region' },
              ':',
              { Ref: 'AWS::AccountId' },
              ':alarm:*',
            ],
          ],
        },
      },
    };
    const topicPolicies = Object.values(template.findResources('AWS::SNS::TopicPolicy'));
    expect(topicPolicies).toHaveLength(1);
    const topicStatements = topicPolicies[0]?.Properties.PolicyDocument.Statement as Record<
      string,
      unknown
    >[];
    // Without an Allow, the TLS-only Deny replaces SNS's default policy and every alarm action fails.
    expect(topicStatements).toEqual(
      expect.arrayContaining([
        expect.objectContaining({
          Effect: 'Allow',
          Principal: { Service: 'cloudwatch.amazonaws.com' },
          Action: 'sns:Publish',
          Resource: { Ref: expect.stringMatching(/^ObservabilityAlarmTopic/) },
          Condition: fromThisAccountsAlarms,
        }),
        expect.objectContaining({
          Effect: 'Deny',
          Principal: '*',
          Condition: { Bool: { 'aws:SecureTransport': 'false' } },
        }),
      ]),
    );
    expect(topicStatements).toHaveLength(2);
    template.hasResourceProperties('AWS::KMS::Key', {
      Description: 'Rekindle: encrypts the alarm topic',
      KeyPolicy: {
        Statement: Match.arrayWith([
          {
            Effect: 'Allow',
            Principal: { Service: 'cloudwatch.amazonaws.com' },
            Action: ['kms:Decrypt', 'kms:GenerateDataKey*'],
            Resource: '*',
            Condition: fromThisAccountsAlarms,
          },
        ]),
      },
    });
  });

  it('counts a throttled function beside idle ones: every term of the throttle sum is FILLed with 0', () => {
    const throttles = Object.values(
      template.findResources('AWS::CloudWatch::Alarm', {
        Properties: { AlarmDescription: Match.stringLikeRegexp('throttled') },
      }),
    )[0]?.Properties as {
      Metrics: { Id: string; Expression?: string; MetricStat?: { Metric: { MetricName: string } } }[];
      TreatMissingData: string;
    };
    const inputs = throttles.Metrics.filter((metric) => metric.MetricStat !== undefined);
    expect(inputs).toHaveLength(10);
    for (const input of inputs) expect(input.MetricStat?.Metric.MetricName).toBe('Throttles');
    const expression = throttles.Metrics.find((metric) => metric.Expression !== undefined)?.Expression;
    expect(expression).toBe(inputs.map((input) => `FILL(${input.Id}, 0)`).join(' + '));
  });

  it('lets SES write mail and invoke receive-reply only for this rule of this account', () => {
    const fromThisRule = {
      StringEquals: {
        'aws:SourceAccount': { Ref: 'AWS::AccountId' },
        'aws:SourceArn': {
          'Fn::Join': [
            '',
            [
              'arn:',
              { Ref: 'AWS::Partition' },
              ':ses:',
              { Ref: 'AWS::Region' },
              ':',
              { Ref: 'AWS::AccountId' },
              ':receipt-rule-set/',
              { Ref: expect.stringMatching(/^RepliesRuleSet/) },
              `:receipt-rule/${replyRuleName}`,
            ],
          ],
        },
      },
    };
    template.hasResourceProperties('AWS::SES::ReceiptRule', { Rule: { Name: replyRuleName } });
    const sesWrites = Object.values(template.findResources('AWS::S3::BucketPolicy')).flatMap((policy) =>
      (policy.Properties.PolicyDocument.Statement as Record<string, unknown>[]).filter(
        (statement) => JSON.stringify(statement.Principal) === '{"Service":"ses.amazonaws.com"}',
      ),
    );
    expect(sesWrites).toEqual([
      expect.objectContaining({ Effect: 'Allow', Action: 's3:PutObject', Condition: fromThisRule }),
    ]);
    const permissions = Object.values(
      template.findResources('AWS::Lambda::Permission', {
        Properties: { Principal: 'ses.amazonaws.com' },
      }),
    ).map((permission) => permission.Properties);
    expect(permissions).toEqual([
      expect.objectContaining({
        FunctionName: { 'Fn::GetAtt': [expect.stringMatching(/^RepliesReceiveReplyFunction/), 'Arn'] },
        SourceAccount: { Ref: 'AWS::AccountId' },
        SourceArn: fromThisRule.StringEquals['aws:SourceArn'],
      }),
    ]);
  });

  it('refuses at deploy, before creating anything, a region where SES receives no email', () => {
    const rules = template.toJSON().Rules as Record<string, { Assertions: unknown[] }>;
    const receiving = Object.entries(rules).find(([id]) => id.startsWith('RepliesReceivingRegion'))?.[1];
    expect(receiving?.Assertions).toEqual([
      {
        Assert: { 'Fn::Contains': [[...sesReceivingRegions], { Ref: 'AWS::Region' }] },
        AssertDescription: expect.stringContaining('-c inboundReplies=false'),
      },
    ]);
  });

  it('lists the alarm test command and the link-signing secret to reuse as outputs', () => {
    const outputs = template.toJSON().Outputs as Record<string, { Value: unknown; Description?: string }>;
    expect(JSON.stringify(outputs.AlarmTestCommand?.Value)).toMatch(
      /aws cloudwatch set-alarm-state --region .*--alarm-name ",\{"Ref":"ObservabilitySendingPaused\w+"\}," --state-value ALARM/,
    );
    expect(outputs.LinkSigningSecretArn?.Value).toEqual({
      Ref: expect.stringMatching(/^LinkSigningKeySecret/),
    });
    expect(outputs.LinkSigningSecretArn?.Description).toContain('-c linkSigningSecretArn=');
    template.hasResource('AWS::SecretsManager::Secret', { DeletionPolicy: 'Retain' });
  });

  it('runs the segmenter on the config schedule through a role that may only invoke it', () => {
    template.hasResourceProperties('AWS::Scheduler::Schedule', {
      ScheduleExpression: config.segmentation.schedule,
      ScheduleExpressionTimezone: config.segmentation.timeZone,
      Target: Match.objectLike({
        DeadLetterConfig: {
          Arn: { 'Fn::GetAtt': [Match.stringLikeRegexp('^SegmenterDeadLetterQueue'), 'Arn'] },
        },
      }),
    });
    const roles = template.findResources('AWS::IAM::Role', {
      Properties: { Description: Match.stringLikeRegexp('running the segmenter') },
    });
    const role = Object.values(roles)[0];
    expect(role?.Properties.Policies).toEqual([
      {
        PolicyName: 'InvokeSegmenter',
        PolicyDocument: {
          Version: '2012-10-17',
          Statement: [
            {
              Effect: 'Allow',
              Action: 'lambda:InvokeFunction',
              Resource: {
                'Fn::GetAtt': [expect.stringMatching(/^SegmenterPlanSegmentationFunction/), 'Arn'],
              },
            },
            {
              Effect: 'Allow',
              Action: 'sqs:SendMessage',
              Resource: { 'Fn::GetAtt': [expect.stringMatching(/^SegmenterDeadLetterQueue/), 'Arn'] },
            },
          ],
        },
      },
    ]);
  });

  it('keeps every bucket private, TLS-only and retained, and logs access to the import and inbound buckets', () => {
    const buckets = template.findResources('AWS::S3::Bucket');
    expect(Object.keys(buckets)).toHaveLength(3);
    for (const [id, bucket] of Object.entries(buckets)) {
      expect(bucket).toMatchObject({ DeletionPolicy: 'Retain' });
      expect(bucket.Properties.PublicAccessBlockConfiguration).toEqual({
        BlockPublicAcls: true,
        BlockPublicPolicy: true,
        IgnorePublicAcls: true,
        RestrictPublicBuckets: true,
      });
      template.hasResourceProperties('AWS::S3::BucketPolicy', {
        Bucket: { Ref: id },
        PolicyDocument: {
          Statement: Match.arrayWith([
            Match.objectLike({
              Effect: 'Deny',
              Action: 's3:*',
              Condition: { Bool: { 'aws:SecureTransport': 'false' } },
            }),
          ]),
        },
      });
    }
    template.hasResourceProperties('AWS::S3::Bucket', {
      VersioningConfiguration: { Status: 'Enabled' },
      LoggingConfiguration: Match.objectLike({ DestinationBucketName: Match.anyValue() }),
    });
    template.hasResourceProperties('Custom::S3BucketNotifications', {
      NotificationConfiguration: {
        LambdaFunctionConfigurations: [
          Match.objectLike({
            Events: ['s3:ObjectCreated:*'],
            Filter: { Key: { FilterRules: [{ Name: 'prefix', Value: 'imports/' }] } },
          }),
        ],
      },
    });
  });

  it('lets import-file read imports/* and write reports/* only', () => {
    const policies = template.findResources('AWS::IAM::Policy', {
      Properties: { Roles: [{ Ref: Match.stringLikeRegexp('^IngestionImportFileRole') }] },
    });
    const statements = Object.values(policies).flatMap(
      (policy) => policy.Properties.PolicyDocument.Statement as Record<string, unknown>[],
    );
    const s3 = statements.filter((s) => JSON.stringify(s.Action).includes('s3:'));
    expect(s3.map((s) => [s.Action, JSON.stringify(s.Resource).match(/"\/(\w+\/\*)"/)?.[1]])).toEqual([
      ['s3:GetObject', 'imports/*'],
      ['s3:PutObject', 'reports/*'],
    ]);
  });

  it('gives no resource a physical name', () => {
    const nameProperties: Record<string, string> = {
      'AWS::DynamoDB::GlobalTable': 'TableName',
      'AWS::SQS::Queue': 'QueueName',
      'AWS::S3::Bucket': 'BucketName',
      'AWS::Lambda::Function': 'FunctionName',
      'AWS::IAM::Role': 'RoleName',
      'AWS::Logs::LogGroup': 'LogGroupName',
      'AWS::Scheduler::ScheduleGroup': 'Name',
      'AWS::Scheduler::Schedule': 'Name',
      'AWS::SES::ConfigurationSet': 'Name',
      'AWS::SecretsManager::Secret': 'Name',
      'AWS::SNS::Topic': 'TopicName',
      'AWS::KMS::Key': 'Alias',
      'AWS::Events::Rule': 'Name',
      'AWS::CloudWatch::Alarm': 'AlarmName',
      'AWS::CloudWatch::Dashboard': 'DashboardName',
      'AWS::SES::ReceiptRuleSet': 'RuleSetName',
    };
    for (const [type, property] of Object.entries(nameProperties)) {
      const resources: Resources = template.findResources(type);
      for (const [id, resource] of Object.entries(resources)) {
        expect({ id, name: resource.Properties?.[property] }).toEqual({ id, name: undefined });
      }
    }
  });

  it('has no unacknowledged cdk-nag AwsSolutions finding', () => {
    const report = new AwsSolutionsChecks().validateScope(app);
    const findings = report.violations.map(
      (violation) =>
        `${violation.ruleName} at ${violation.violatingResources.map((r) => r.constructPath).join(', ')}`,
    );
    expect(findings).toEqual([]);
  });
});

describe("RekindleStack on the shop's own domains", () => {
  let domains: { app: App; template: Template };
  beforeAll(async () => {
    const built = await buildApp({
      // Bundling skipped: the functions' code is asserted on the default stack above.
      app: new App({
        outdir: mkdtempSync(join(tmpdir(), 'rekindle-infra-')),
        context: { 'aws:cdk:bundling-stacks': [] },
      }),
      configFile: 'config/rekindle.yaml',
      templatesDir: 'templates',
      context: { ...context, ...domainsContext },
    });
    domains = { app: built.app, template: Template.fromStack(built.stack) };
  });
  const outputs = () => domains.template.toJSON().Outputs as Record<string, { Value: unknown }>;
  const distribution = (alias: string) =>
    Object.values(
      domains.template.findResources('AWS::CloudFront::Distribution', {
        Properties: { DistributionConfig: { Aliases: [alias] } },
      }),
    )[0]?.Properties?.DistributionConfig as Record<string, unknown> | undefined;

  it("redirects tracked links and the open pixel through the shop's domain, over HTTPS only", () => {
    domains.template.hasResourceProperties('AWS::SES::ConfigurationSet', {
      TrackingOptions: { CustomRedirectDomain: 'links.northwind.example', HttpsPolicy: 'REQUIRE' },
    });
    // CloudFront holds the shop's certificate and passes each request, uncached, to SES's tracking servers.
    expect(distribution('links.northwind.example')).toMatchObject({
      ViewerCertificate: {
        AcmCertificateArn: certificateArn,
        MinimumProtocolVersion: 'TLSv1.2_2021',
        SslSupportMethod: 'sni-only',
      },
      DefaultCacheBehavior: {
        AllowedMethods: ['GET', 'HEAD'],
        ViewerProtocolPolicy: 'redirect-to-https',
        CachePolicyId: '4135ea2d-6df8-44a3-9df3-4b5a84be39ad', // Managed-CachingDisabled
        OriginRequestPolicyId: 'b689b0a8-53d0-40ab-baf2-68738e2966ac', // Managed-AllViewerExceptHostHeader
      },
      Origins: [
        {
          DomainName: { 'Fn::Join': ['', ['r.', { Ref: 'AWS::Region' }, '.awstrack.me']] },
          CustomOriginConfig: { OriginProtocolPolicy: 'https-only', OriginSSLProtocols: ['TLSv1.2'] },
          Id: expect.any(String),
        },
      ],
    });
    expect(JSON.stringify(outputs().DnsTracking?.Value)).toMatch(
      /links\.northwind\.example CNAME ",\{"Fn::GetAtt":\["SendingTrackingFront\w+","DomainName"\]/,
    );
  });

  it("serves unsubscribe on the shop's domain, POST included, and signs every link for it", () => {
    expect(distribution('unsubscribe.northwind.example')).toMatchObject({
      ViewerCertificate: { AcmCertificateArn: certificateArn, MinimumProtocolVersion: 'TLSv1.2_2021' },
      DefaultCacheBehavior: {
        // RFC 8058 one-click unsubscribe is a POST.
        AllowedMethods: expect.arrayContaining(['GET', 'HEAD', 'POST']),
        ViewerProtocolPolicy: 'redirect-to-https',
        CachePolicyId: '4135ea2d-6df8-44a3-9df3-4b5a84be39ad',
        OriginRequestPolicyId: 'b689b0a8-53d0-40ab-baf2-68738e2966ac',
      },
      Origins: [
        {
          DomainName: {
            'Fn::Select': [
              2,
              {
                'Fn::Split': [
                  '/',
                  {
                    'Fn::GetAtt': [expect.stringMatching(/^UnsubscribeFunctionFunctionUrl/), 'FunctionUrl'],
                  },
                ],
              },
            ],
          },
        },
      ],
    });
    domains.template.hasResourceProperties('AWS::Lambda::Function', {
      Description: Match.stringLikeRegexp('send one due step'),
      Environment: {
        Variables: Match.objectLike({
          [EnvironmentNames.unsubscribeUrl]: 'https://unsubscribe.northwind.example/',
        }),
      },
    });
    expect(outputs().UnsubscribeUrl?.Value).toBe('https://unsubscribe.northwind.example/');
    expect(JSON.stringify(outputs().DnsUnsubscribe?.Value)).toMatch(
      /unsubscribe\.northwind\.example CNAME ",\{"Fn::GetAtt":\["UnsubscribeFront\w+","DomainName"\]/,
    );
  });

  it('lists the DMARC record with its rua address', () => {
    expect(outputs().DnsDmarc?.Value).toBe(
      '_dmarc.northwind.example TXT "v=DMARC1; p=none; rua=mailto:dmarc-reports@northwind.example;"',
    );
  });

  it('has no unacknowledged cdk-nag AwsSolutions finding', () => {
    const report = new AwsSolutionsChecks().validateScope(domains.app);
    expect(report.violations.map((violation) => violation.ruleName)).toEqual([]);
  });
});

/** config/rekindle.yaml without a reply domain and with a fixed Reply-To, as inboundReplies=false requires. */
const configWithoutInbound = () => {
  const directory = mkdtempSync(join(tmpdir(), 'rekindle-config-'));
  const configFile = join(directory, 'rekindle.yaml');
  const text = readFileSync('config/rekindle.yaml', 'utf8')
    .replace(/^ {2}replyDomain: .*\n/m, '')
    .replace(/^sender:\n/m, 'sender:\n  replyTo: support@northwind.example\n');
  writeFileSync(configFile, text);
  return configFile;
};

describe('RekindleStack on an account already sending through SES, in a region without SES receiving', () => {
  const sandboxRecipients = ['tester@gmail.example', 'qa@outlook.example'];
  const linkSigningSecretArn = 'arn:aws:secretsmanager:eu-south-1:123456789012:secret:RekindleLinkKey-AbC123';
  const shopifyEventSource = 'aws.partner/shopify.com/123456/rekindle';
  const stripeEventSource = 'aws.partner/stripe.com/ed_test_61RMpzG4Pq9cLkDtA16RMpz';
  let existing: { app: App; stack: Stack; template: Template };
  beforeAll(async () => {
    const built = await buildApp({
      app: new App({
        outdir: mkdtempSync(join(tmpdir(), 'rekindle-infra-')),
        context: { 'aws:cdk:bundling-stacks': [] },
      }),
      configFile: configWithoutInbound(),
      templatesDir: 'templates',
      context: {
        senderDomain: 'northwind.example',
        alarmEmail: 'ops@northwind.example',
        senderIdentity: 'existing',
        inboundReplies: 'false',
        sandboxRecipients: sandboxRecipients.join(', '),
        linkSigningSecretArn,
        region: 'eu-south-1',
        shopifyEventSource,
        stripeEventSource,
      },
    });
    existing = { app: built.app, stack: built.stack, template: Template.fromStack(built.stack) };
  });
  const outputs = () =>
    existing.template.toJSON().Outputs as Record<string, { Value: unknown; Description?: string }>;

  it('uses the existing SES identity instead of creating one, and says what to check', () => {
    existing.template.resourceCountIs('AWS::SES::EmailIdentity', 0);
    // The configuration set is still ours: every send names it.
    existing.template.resourceCountIs('AWS::SES::ConfigurationSet', 1);
    expect(Object.keys(outputs()).filter((id) => /^Dns(Dkim|MailFrom)/.test(id))).toEqual([]);
    expect(outputs().DnsDmarc).toBeDefined();
    const check = outputs().SenderIdentityCheck;
    expect(JSON.stringify(check?.Value)).toContain('aws sesv2 get-email-identity --region');
    expect(JSON.stringify(check?.Value)).toContain('--email-identity northwind.example');
    expect(check?.Description).toMatch(/DkimAttributes\.Status SUCCESS/);
    expect(check?.Description).toMatch(/names its configuration set on every send/);
  });

  it('leaves inbound replies out: no rule set, no receive-reply, no reply MX, no receiving-region rule', () => {
    existing.template.resourceCountIs('AWS::SES::ReceiptRuleSet', 0);
    existing.template.resourceCountIs('AWS::SES::ReceiptRule', 0);
    expect(
      Object.keys(
        existing.template.findResources('AWS::Lambda::Function', {
          Properties: { Description: Match.stringLikeRegexp('handle a reply') },
        }),
      ),
    ).toEqual([]);
    expect(Object.keys(outputs()).filter((id) => /Reply|Receipt|Inbound/.test(id))).toEqual([]);
    expect(
      Object.keys(existing.template.toJSON().Rules ?? {}).filter((id) => id.includes('Receiving')),
    ).toEqual([]);
    const warnings = Annotations.fromStack(existing.stack).findWarning(
      '*',
      Match.stringLikeRegexp('left out'),
    );
    expect(warnings.map((warning) => warning.entry.data)).toEqual([
      expect.stringContaining('replies go to support@northwind.example'),
    ]);
  });

  it('lets send-step send to the named sandbox recipients as well as from the sender domain', () => {
    const ses = statementsOfIn(existing.template, 'SendingSendStepRole').find((statement) =>
      JSON.stringify(statement.Action).includes('ses:SendEmail'),
    );
    const identities = JSON.stringify(ses?.Resource).match(/:identity\/[^"]+/g);
    expect(identities).toEqual([
      ':identity/northwind.example',
      ...sandboxRecipients.map((address) => `:identity/${address}`),
    ]);
  });

  it("reads Shopify's and Stripe's partner event sources on their own buses, to their functions, with a dead-letter queue", () => {
    for (const source of [shopifyEventSource, stripeEventSource])
      existing.template.hasResourceProperties('AWS::Events::EventBus', {
        Name: source,
        EventSourceName: source,
      });
    const rules = Object.values(existing.template.findResources('AWS::Events::Rule')).filter((rule) =>
      JSON.stringify(rule.Properties.EventPattern).includes('aws.partner/'),
    );
    expect(rules.map((rule) => rule.Properties.EventPattern)).toEqual([
      { source: [shopifyEventSource], 'detail-type': ['shopifyWebhook'] },
      {
        source: [stripeEventSource],
        'detail-type': ['charge.succeeded', 'charge.refunded', 'customer.created', 'customer.updated'],
      },
    ]);
    for (const rule of rules)
      expect(rule.Properties.Targets).toEqual([
        expect.objectContaining({
          DeadLetterConfig: {
            Arn: { 'Fn::GetAtt': [expect.stringMatching(/^IntegrationsDeadLetterQueue/), 'Arn'] },
          },
        }),
      ]);
    // Without replies, Shopify's erasure has no inbound bucket to clean.
    const shopify = Object.values(
      existing.template.findResources('AWS::Lambda::Function', {
        Properties: { Description: Match.stringLikeRegexp("Shopify's EventBridge") },
      }),
    )[0];
    expect(Object.keys(shopify?.Properties.Environment.Variables ?? {}).sort()).toEqual(
      ['NODE_OPTIONS', ...ShopifyEventEnvironment.map((key) => EnvironmentNames[key])].sort(),
    );
  });

  it('reuses the retained link-signing secret instead of generating a new one', () => {
    // The one secret created is the integrations' (live endpoints), not a link key.
    const secrets = Object.values(existing.template.findResources('AWS::SecretsManager::Secret'));
    expect(secrets.map((secret) => String(secret.Properties.Description))).toEqual([
      expect.stringMatching(/live endpoints/),
    ]);
    const reads = statementsOfIn(existing.template, 'SendingSendStepRole').filter((statement) =>
      JSON.stringify(statement.Action).includes('secretsmanager:GetSecretValue'),
    );
    expect(reads.map((statement) => statement.Resource)).toEqual([linkSigningSecretArn]);
    expect(outputs().LinkSigningSecretArn?.Value).toBe(linkSigningSecretArn);
  });

  it('has no unacknowledged cdk-nag AwsSolutions finding', () => {
    const report = new AwsSolutionsChecks().validateScope(existing.app);
    expect(report.violations.map((violation) => violation.ruleName)).toEqual([]);
  });
});

describe('buildApp', () => {
  it('is handed every context key by infra/app.ts, so each documented -c option reaches it', () => {
    const app = readFileSync('infra/app.ts', 'utf8');
    const keys = Object.keys(RekindleContextSchema.shape).filter((key) => key !== 'region');
    expect(keys.filter((key) => !app.includes(`${key}: app.node.tryGetContext('${key}')`))).toEqual([]);
  });

  it('fails at synth in a region without SES receiving, naming the regions that have it and the option', async () => {
    const failure = buildApp({
      configFile: 'config/rekindle.yaml',
      templatesDir: 'templates',
      context: { region: 'eu-south-1' },
    });
    await expect(failure).rejects.toThrow(
      expect.objectContaining({
        name: 'ContextError',
        message: expect.stringMatching(
          /SES does not receive email in eu-south-1.*us-east-1, us-east-2, us-west-2.*\n.*-c inboundReplies=false/s,
        ),
      }),
    );
    expect(() => checkReceivingRegion('eu-south-1', false)).not.toThrow();
    expect(() => checkReceivingRegion('eu-west-1', true)).not.toThrow();
    // No region (offline synth): the template's own rule checks it at deploy.
    expect(() => checkReceivingRegion(undefined, true)).not.toThrow();
  });

  it('refuses inboundReplies=false while the config still signs reply addresses for a reply domain', () => {
    expect(() => resolveParameters({ inboundReplies: false }, config, 'rekindle.yaml')).toThrow(
      /inboundReplies: false, but engagement\.replyDomain is set in rekindle\.yaml.*set sender\.replyTo/,
    );
  });

  it('names a bad option value: senderIdentity, inboundReplies, sandboxRecipients, linkSigningSecretArn', async () => {
    const failure = buildApp({
      configFile: 'config/rekindle.yaml',
      templatesDir: 'templates',
      context: {
        senderIdentity: 'reuse',
        inboundReplies: 'no',
        sandboxRecipients: 'tester@gmail.example,not-an-address',
        linkSigningSecretArn: 'RekindleLinkKey',
      },
    });
    await expect(failure).rejects.toThrow(
      expect.objectContaining({
        message: expect.stringMatching(
          /senderIdentity: must be "create".*\n.*inboundReplies: must be true or false.*\n.*sandboxRecipients\.1: must be email addresses.*\n.*linkSigningSecretArn: must be the complete ARN/s,
        ),
      }),
    );
  });

  it('fails on a bad config with the file:line message rekindle validate prints', async () => {
    const directory = mkdtempSync(join(tmpdir(), 'rekindle-config-'));
    const configFile = join(directory, 'rekindle.yaml');
    const lines = readFileSync('config/rekindle.yaml', 'utf8').split('\n');
    const broken = lines.findIndex((line) => line.trimStart().startsWith('minimumGap:'));
    expect(broken).toBeGreaterThan(-1);
    lines[broken] = '  minimumGap: whenever';
    writeFileSync(configFile, lines.join('\n'));

    await expect(buildApp({ configFile, templatesDir: 'templates', context: {} })).rejects.toThrow(
      expect.objectContaining({
        name: 'ConfigError',
        message: expect.stringContaining(`${configFile}:${broken + 1}:`),
      }),
    );
  });

  it('names every bad key on a line of its own, before building anything', async () => {
    const failure = buildApp({
      configFile: 'config/rekindle.yaml',
      templatesDir: 'templates',
      context: { senderDomain: 'not a domain', alarmEmail: 'ops', replyDomain: 'reply.northwind.example' },
    });
    await expect(failure).rejects.toThrow(
      expect.objectContaining({
        name: 'ContextError',
        message: [
          'Invalid CDK context:',
          '  senderDomain: must be a domain name such as shop.example',
          '  alarmEmail: must be an email address',
        ].join('\n'),
      }),
    );
  });

  it('takes the sender domain, reply domain and support address from the config by default', () => {
    expect(resolveParameters({}, config, 'config/rekindle.yaml')).toEqual({
      senderDomain: 'northwind.example',
      replyDomain: config.engagement.replyDomain,
      supportAddress: config.engagement.supportAddress,
      // DMARC aggregate reports: the support address unless -c dmarcRua names another.
      dmarcReportAddress: config.engagement.supportAddress,
    });
    expect(resolveParameters({ dmarcRua: 'dmarc@northwind.example' }, config, 'rekindle.yaml')).toMatchObject(
      {
        dmarcReportAddress: 'dmarc@northwind.example',
      },
    );
  });

  it('takes a custom domain only with its certificate, and a tracking domain only under the sender domain', () => {
    const resolve = (context: Parameters<typeof resolveParameters>[0]) => () =>
      resolveParameters(context, config, 'config/rekindle.yaml');
    expect(resolve({ trackingDomain: 'links.northwind.example' })).toThrow(
      /trackingCertificateArn: required with trackingDomain; request a certificate for links\.northwind\.example in ACM in us-east-1/,
    );
    expect(resolve({ unsubscribeCertificateArn: certificateArn })).toThrow(
      /unsubscribeDomain: required with unsubscribeCertificateArn/,
    );
    expect(
      resolve({ trackingDomain: 'links.elsewhere.example', trackingCertificateArn: certificateArn }),
    ).toThrow(
      /trackingDomain: "links\.elsewhere\.example" must be a subdomain of the sender domain northwind\.example/,
    );
    expect(resolve(domainsContext)()).toMatchObject({
      trackingDomain: { domainName: 'links.northwind.example', certificateArn },
      unsubscribeDomain: { domainName: 'unsubscribe.northwind.example', certificateArn },
    });
  });

  it('rejects a certificate outside us-east-1, which CloudFront cannot use, naming the key', async () => {
    await expect(
      buildApp({
        configFile: 'config/rekindle.yaml',
        templatesDir: 'templates',
        context: {
          ...domainsContext,
          unsubscribeCertificateArn: certificateArn.replace('us-east-1', 'eu-west-1'),
        },
      }),
    ).rejects.toThrow(/unsubscribeCertificateArn: must be the ARN of an ACM certificate in us-east-1/);
  });

  it('refuses context that disagrees with what the functions read from the config', () => {
    const resolve = () =>
      resolveParameters(
        { senderDomain: 'other.example', replyDomain: 'replies.other.example' },
        config,
        'config/rekindle.yaml',
      );
    expect(resolve).toThrow(/senderDomain: "other\.example" cannot send as care@northwind\.example/);
    expect(resolve).toThrow(
      /\n {2}replyDomain: "replies\.other\.example" differs from engagement\.replyDomain/,
    );
  });

  it('requires a reply domain when the config has none', () => {
    const withoutReplies = { ...config, engagement: { ...config.engagement, replyDomain: undefined } };
    expect(() => resolveParameters({}, withoutReplies, 'rekindle.yaml')).toThrow(
      /replyDomain: required; set engagement\.replyDomain in rekindle\.yaml/,
    );
  });

  it('rejects a sender domain that is not a domain name, naming the key', async () => {
    await expect(
      buildApp({
        configFile: 'config/rekindle.yaml',
        templatesDir: 'templates',
        context: { senderDomain: 'not a domain' },
      }),
    ).rejects.toThrow(/senderDomain/);
  });
});
