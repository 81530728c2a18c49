import { CfnOutput, Stack, type StackProps } from 'aws-cdk-lib';
import type { Construct } from 'constructs';
import type { RuntimeBundle } from '../../functions/build/runtime-bundle.ts';
import { CustomerTable } from '../constructs/data.ts';
import { Ingestion } from '../constructs/ingestion.ts';
import { LinkSigningKey } from '../constructs/link-signing-key.ts';
import { StepScheduling } from '../constructs/scheduling.ts';
import { Segmenter } from '../constructs/segmentation.ts';
import { SendQueue } from '../constructs/send-queue.ts';
import { SendPipeline } from '../constructs/sending.ts';

export interface RekindleStackProps extends StackProps {
  /** The validated config and compiled templates, baked into every function. */
  readonly runtimeBundle: RuntimeBundle;
  /** The verified SES domain identity mail is sent from. */
  readonly senderDomain: string;
  /**
   * Where an operator is told about alarms; alarms arrive in a later issue.
   * @default - no notifications
   */
  readonly alarmEmail?: string;
}

/** The whole of Rekindle in one account and region. */
export class RekindleStack extends Stack {
  readonly table: CustomerTable;
  readonly ingestion: Ingestion;
  readonly sendQueue: SendQueue;
  readonly scheduling: StepScheduling;
  readonly sending: SendPipeline;
  readonly segmenter: Segmenter;

  constructor(scope: Construct, id: string, props: RekindleStackProps) {
    super(scope, id, props);
    const { runtimeBundle } = props;

    this.table = new CustomerTable(this, 'Data');
    this.ingestion = new Ingestion(this, 'Ingestion', { runtimeBundle, table: this.table });
    this.sendQueue = new SendQueue(this, 'SendQueue');
    this.scheduling = new StepScheduling(this, 'StepScheduling', { sendQueue: this.sendQueue });
    const linkSigningKey = new LinkSigningKey(this, 'LinkSigningKey');
    this.sending = new SendPipeline(this, 'Sending', {
      runtimeBundle,
      table: this.table,
      sendQueue: this.sendQueue,
      scheduling: this.scheduling,
      linkSigningKey,
      senderDomain: props.senderDomain,
      // A later issue replaces this with the unsubscribe endpoint's URL.
      unsubscribeUrl: `https://${props.senderDomain}/unsubscribe`,
    });
    this.segmenter = new Segmenter(this, 'Segmenter', {
      runtimeBundle,
      table: this.table,
      scheduling: this.scheduling,
    });

    new CfnOutput(this, 'TableName', { value: this.table.tableName });
    new CfnOutput(this, 'ImportBucketName', {
      value: this.ingestion.bucket.bucketName,
      description: 'Drop customers, orders and incidents files under imports/',
    });
    new CfnOutput(this, 'SendQueueUrl', { value: this.sendQueue.queue.queueUrl });
    new CfnOutput(this, 'ConfigurationSetName', {
      value: this.sending.configurationSet.configurationSetName,
    });
  }
}
