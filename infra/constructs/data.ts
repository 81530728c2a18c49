import { CfnResource, RemovalPolicy, Stack, Validations } from 'aws-cdk-lib';
import * as dynamodb from 'aws-cdk-lib/aws-dynamodb';
import type * as iam from 'aws-cdk-lib/aws-iam';
import type * as kms from 'aws-cdk-lib/aws-kms';
import { Construct } from 'constructs';
import { customerTableDesign } from '../../functions/adapters/dynamo/table-design.ts';

export interface CustomerTableProps {
  /**
   * Encrypt with this customer managed key instead of the AWS managed `aws/dynamodb` key.
   * @default - the AWS managed key
   */
  readonly encryptionKey?: kms.IKey;
  /**
   * What happens to the table when it leaves the stack. The table is the customers' history and
   * consent record, so it outlives the stack unless you say otherwise.
   * @default RemovalPolicy.RETAIN
   */
  readonly removalPolicy?: RemovalPolicy;
}

const stringKey = (name: string): dynamodb.Attribute => ({ name, type: dynamodb.AttributeType.STRING });

/**
 * The single table, keyed exactly as `customerTableDesign` says (the adapters and the local
 * runtime read the same object): on-demand, point-in-time recovery, deletion protection, encrypted.
 */
export class CustomerTable extends Construct {
  readonly table: dynamodb.TableV2;

  constructor(scope: Construct, id: string, props: CustomerTableProps = {}) {
    super(scope, id);
    const design = customerTableDesign;
    this.table = new dynamodb.TableV2(this, 'Table', {
      partitionKey: stringKey(design.partitionKey),
      sortKey: stringKey(design.sortKey),
      globalSecondaryIndexes: [
        {
          indexName: design.index.name,
          partitionKey: stringKey(design.index.partitionKey),
          sortKey: stringKey(design.index.sortKey),
          projectionType: dynamodb.ProjectionType.ALL,
        },
      ],
      timeToLiveAttribute: design.timeToLiveAttribute,
      billing: dynamodb.Billing.onDemand(),
      pointInTimeRecoverySpecification: { pointInTimeRecoveryEnabled: true },
      deletionProtection: true,
      removalPolicy: props.removalPolicy ?? RemovalPolicy.RETAIN,
      encryption:
        props.encryptionKey === undefined
          ? dynamodb.TableEncryptionV2.awsManagedKey()
          : dynamodb.TableEncryptionV2.customerManagedKey(props.encryptionKey),
    });
    Validations.of(this.table).acknowledge({
      id: 'AwsSolutions-DDB4',
      reason:
        'Point-in-time recovery (35 days) is on; an AWS Backup plan is an account-wide choice left to the operator.',
    });
  }

  get tableName(): string {
    return this.table.tableName;
  }

  get tableArn(): string {
    return this.table.tableArn;
  }

  /** Item reads and writes on the table and its index; nothing on the table's settings. */
  grantReadWrite(grantee: iam.IGrantable): iam.Grant {
    this.acknowledgeIndexWildcard(grantee);
    return this.table.grantReadWriteData(grantee);
  }

  /** Item reads on the table and its index. */
  grantRead(grantee: iam.IGrantable): iam.Grant {
    this.acknowledgeIndexWildcard(grantee);
    return this.table.grantReadData(grantee);
  }

  /** CDK grants on `<table>/index/*`; the table has exactly one index, so that is `gsi1`. */
  private acknowledgeIndexWildcard(grantee: iam.IGrantable): void {
    const resource = this.table.node.defaultChild;
    if (!Construct.isConstruct(grantee) || !CfnResource.isCfnResource(resource)) return;
    Validations.of(grantee).acknowledge({
      id: `AwsSolutions-IAM5[Resource::<${Stack.of(this).getLogicalId(resource)}.Arn>/index/*]`,
      reason: `Queries on the table's indexes; the table has one, ${customerTableDesign.index.name}.`,
    });
  }
}
