import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { App, CfnResource } from 'aws-cdk-lib';
import { Match, Template } from 'aws-cdk-lib/assertions';
import { AwsSolutionsChecks } from 'cdk-nag';
import type { IConstruct } from 'constructs';
import { beforeAll, describe, expect, it } from 'vitest';
import { customerTableDesign } from '../../functions/adapters/dynamo/table-design.ts';
import { EnvironmentNames } from '../../functions/handlers/environment.ts';
import { buildApp } from '../../infra/build-app.ts';

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

// One synth (three esbuild bundles) shared by every assertion.
let app: App;
let template: Template;
let sendQueueId: string;
let deadLetterQueueId: string;

beforeAll(async () => {
  const built = await buildApp({
    app: new App({ outdir: mkdtempSync(join(tmpdir(), 'rekindle-infra-')) }),
    configFile: 'config/rekindle.yaml',
    templatesDir: 'templates',
    context: { senderDomain: 'mail.northwind.example' },
  });
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
    expect(Object.keys(functions)).toHaveLength(3);
    for (const fn of Object.values(functions)) {
      expect(fn.Properties).toMatchObject({
        Runtime: 'nodejs22.x',
        Architectures: ['arm64'],
        LoggingConfig: { LogFormat: 'JSON' },
        Environment: { Variables: { NODE_OPTIONS: '--enable-source-maps' } },
      });
    }
    const names = (fn: { Environment: { Variables: Record<string, unknown> } } | undefined) =>
      Object.keys(fn?.Environment.Variables ?? {})
        .filter((name) => name !== 'NODE_OPTIONS')
        .sort();
    expect(names(byDescription('import a dropped'))).toEqual([...importEnvironment].sort());
    expect(names(byDescription('segment customers'))).toEqual([...schedulingEnvironment].sort());
    expect(names(byDescription('send one due step'))).toEqual([...sendEnvironment].sort());
    expect(byDescription('send one due step')?.Environment.Variables[EnvironmentNames.unsubscribeUrl]).toBe(
      'https://mail.northwind.example/unsubscribe',
    );
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
    expect(scheduling).toHaveLength(2); // segment-customers and send-step
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

  it('lets send-step send only through its configuration set and the sender identity', () => {
    const statements = Object.values(template.findResources('AWS::IAM::Policy')).flatMap(
      (policy) => policy.Properties.PolicyDocument.Statement as Record<string, unknown>[],
    );
    const ses = statements.filter((s) => JSON.stringify(s.Action).includes('ses:'));
    expect(ses).toHaveLength(1);
    expect(ses[0]?.Action).toBe('ses:SendEmail');
    expect(JSON.stringify(ses[0]?.Resource)).toContain(':identity/mail.northwind.example');
    expect(JSON.stringify(ses[0]?.Resource)).toContain(':configuration-set/');
    template.hasResourceProperties('AWS::SES::ConfigurationSet', {
      ReputationOptions: { ReputationMetricsEnabled: true },
    });
  });

  it('runs the segmenter daily through a role that may only invoke it', () => {
    template.hasResourceProperties('AWS::Scheduler::Schedule', {
      ScheduleExpression: 'cron(0 6 * * ? *)',
      ScheduleExpressionTimezone: 'Europe/London',
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
                'Fn::GetAtt': [expect.stringMatching(/^SegmenterSegmentCustomersFunction/), 'Arn'],
              },
            },
          ],
        },
      },
    ]);
  });

  it('keeps both buckets private, TLS-only and retained, and logs access to the import bucket', () => {
    const buckets = template.findResources('AWS::S3::Bucket');
    expect(Object.keys(buckets)).toHaveLength(2);
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

describe('buildApp', () => {
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
