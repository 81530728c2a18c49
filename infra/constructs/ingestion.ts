import { CfnResource, Duration, RemovalPolicy, Stack, Validations } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as s3 from 'aws-cdk-lib/aws-s3';
import * as s3n from 'aws-cdk-lib/aws-s3-notifications';
import { Construct } from 'constructs';
import type { BakedBundle } from '../../functions/build/runtime-bundle.ts';
import { EnvironmentNames, ImportBucketPrefixes } from '../../functions/handlers/environment.ts';
import type { CustomerTable } from './data.ts';
import { RekindleFunction } from './rekindle-function.ts';

/** Files dropped here are imported; each gets its report under `reportsPrefix`. */
export const importsPrefix = ImportBucketPrefixes.imports;
export const reportsPrefix = ImportBucketPrefixes.reports;

export interface IngestionProps {
  readonly runtimeBundle: BakedBundle;
  readonly table: CustomerTable;
  /**
   * How long the import bucket's server access logs are kept.
   * @default Duration.days(365)
   */
  readonly accessLogRetention?: Duration;
  /**
   * How long an overwritten or deleted import file stays recoverable.
   * @default Duration.days(30)
   */
  readonly noncurrentVersionRetention?: Duration;
  /**
   * How long a dropped import file (a list of customers: personal data) and its report are kept;
   * by then its rows are in the table.
   * @default Duration.days(30)
   */
  readonly importRetention?: Duration;
}

/**
 * The import bucket and the import-file function it notifies: customers, orders and incidents
 * dropped under `imports/` are written to the table, and a report lands under `reports/`.
 * The bucket holds personal data, so: private, TLS only, encrypted, versioned, access-logged, retained.
 */
export class Ingestion extends Construct {
  readonly bucket: s3.Bucket;
  /** Server access logs of `bucket`. */
  readonly accessLogsBucket: s3.Bucket;
  readonly importFunction: RekindleFunction;

  constructor(scope: Construct, id: string, props: IngestionProps) {
    super(scope, id);
    this.accessLogsBucket = new s3.Bucket(this, 'AccessLogs', {
      blockPublicAccess: s3.BlockPublicAccess.BLOCK_ALL,
      // Server access log delivery supports SSE-S3 only.
      encryption: s3.BucketEncryption.S3_MANAGED,
      enforceSSL: true,
      objectOwnership: s3.ObjectOwnership.BUCKET_OWNER_ENFORCED,
      removalPolicy: RemovalPolicy.RETAIN,
      lifecycleRules: [{ expiration: props.accessLogRetention ?? Duration.days(365) }],
    });
    Validations.of(this.accessLogsBucket).acknowledge({
      id: 'AwsSolutions-S1',
      reason:
        'This is the access-log target of the import bucket; logging it would need a third bucket or a loop.',
    });

    this.bucket = new s3.Bucket(this, 'Imports', {
      blockPublicAccess: s3.BlockPublicAccess.BLOCK_ALL,
      encryption: s3.BucketEncryption.S3_MANAGED,
      enforceSSL: true,
      versioned: true,
      objectOwnership: s3.ObjectOwnership.BUCKET_OWNER_ENFORCED,
      removalPolicy: RemovalPolicy.RETAIN,
      serverAccessLogsBucket: this.accessLogsBucket,
      serverAccessLogsPrefix: 'imports-bucket/',
      lifecycleRules: [
        { noncurrentVersionExpiration: props.noncurrentVersionRetention ?? Duration.days(30) },
        { abortIncompleteMultipartUploadAfter: Duration.days(7) },
        { prefix: importsPrefix, expiration: props.importRetention ?? Duration.days(30) },
        { prefix: reportsPrefix, expiration: props.importRetention ?? Duration.days(30) },
      ],
    });

    this.importFunction = new RekindleFunction(this, 'ImportFile', {
      entry: 'functions/handlers/import-file.ts',
      description: 'Rekindle: import a dropped customers, orders or incidents file',
      runtimeBundle: props.runtimeBundle,
      timeout: Duration.minutes(15),
      // The import keeps every distinct id of a file (≈ 100 B each, see `importStream`): 5 million fit.
      memorySize: 1024,
      environment: { [EnvironmentNames.tableName]: props.table.tableName },
    });
    props.table.grantReadWrite(this.importFunction);
    this.grantImport(this.importFunction);

    this.bucket.addEventNotification(
      s3.EventType.OBJECT_CREATED,
      new s3n.LambdaDestination(this.importFunction.function),
      { prefix: importsPrefix },
    );
    this.acknowledgeNotificationsHandler();
  }

  /** Read files under `imports/`, write reports under `reports/`; nothing else in the bucket. */
  grantImport(grantee: iam.IGrantable): void {
    iam.Grant.addToPrincipal({
      grantee,
      actions: ['s3:GetObject'],
      resourceArns: [this.bucket.arnForObjects(`${importsPrefix}*`)],
    });
    iam.Grant.addToPrincipal({
      grantee,
      actions: ['s3:PutObject'],
      resourceArns: [this.bucket.arnForObjects(`${reportsPrefix}*`)],
    });
    if (Construct.isConstruct(grantee)) {
      const bucketId = Stack.of(this).getLogicalId(this.bucketResource());
      for (const prefix of [importsPrefix, reportsPrefix]) {
        Validations.of(grantee).acknowledge({
          id: `AwsSolutions-IAM5[Resource::<${bucketId}.Arn>/${prefix}*]`,
          reason: `Import files and reports have caller-chosen names; the wildcard is confined to the ${prefix} prefix of the import bucket.`,
        });
      }
    }
  }

  private bucketResource(): CfnResource {
    const resource = this.bucket.node.defaultChild;
    if (!CfnResource.isCfnResource(resource)) throw new Error('the import bucket has no CfnResource');
    return resource;
  }

  /** CDK's singleton handler that applies bucket notifications is not ours to shape. */
  private acknowledgeNotificationsHandler(): void {
    const handler = Stack.of(this)
      .node.children.filter((child) => child.node.id.startsWith('BucketNotificationsHandler'))
      .at(0);
    if (handler === undefined) return;
    Validations.of(handler).acknowledge(
      {
        id: 'AwsSolutions-IAM4[Policy::arn:<AWS::Partition>:iam::aws:policy/service-role/AWSLambdaBasicExecutionRole]',
        reason:
          "CDK's BucketNotificationsHandler (a deploy-time custom resource) comes with this role; it only writes its own logs.",
      },
      {
        id: 'AwsSolutions-IAM5[Resource::*]',
        reason:
          "CDK's BucketNotificationsHandler is granted s3:PutBucketNotification on * by aws-cdk-lib; it runs only during deployment.",
      },
    );
  }
}
