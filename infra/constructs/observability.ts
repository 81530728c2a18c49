import { Arn, ArnFormat, Aws, Duration, Stack } from 'aws-cdk-lib';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import * as cwActions from 'aws-cdk-lib/aws-cloudwatch-actions';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as sns from 'aws-cdk-lib/aws-sns';
import * as subscriptions from 'aws-cdk-lib/aws-sns-subscriptions';
import type * as sqs from 'aws-cdk-lib/aws-sqs';
import { Construct } from 'constructs';
import { sequencesPausedMetric } from '../../functions/core/engagement/record-ses-event.ts';
import {
  type HeldBackPause,
  heldBackByPauseMetric,
  heldBackPauses,
  sendingPausedMetric,
} from '../../functions/handlers/send-step.ts';
import type { RekindleFunction } from './rekindle-function.ts';

export interface ObservabilityProps {
  /**
   * Subscribed to the alarm topic by email (the address confirms the subscription once).
   * @default - no subscription; subscribe to the topic yourself
   */
  readonly alarmEmail?: string;
  /**
   * SES reputation bounce rate that raises the alarm. SES reviews an account at 5 % and may pause it at 10 %.
   * @default 0.04
   */
  readonly bounceRateThreshold?: number;
  /**
   * SES reputation complaint rate that raises the alarm. SES reviews an account at 0.1 % and may pause it at 0.5 %.
   * @default 0.0008
   */
  readonly complaintRateThreshold?: number;
}

/** A labelled function for the dashboard and the throttle alarm. */
interface WatchedFunction {
  readonly label: string;
  readonly fn: RekindleFunction;
}

/** A labelled queue for the dashboard. */
interface WatchedQueue {
  readonly label: string;
  readonly queue: sqs.IQueue;
}

/**
 * Alarms into one encrypted SNS topic (optionally mailed to `alarmEmail`) and one dashboard.
 * The other constructs are registered through the intent methods; `finish()` then adds the
 * alarms and widgets that span them all (throttles, the overview).
 */
export class Observability extends Construct {
  readonly topic: sns.Topic;
  readonly dashboard: cloudwatch.Dashboard;
  readonly alarms: cloudwatch.Alarm[] = [];
  #testAlarm?: cloudwatch.Alarm;
  readonly #action: cwActions.SnsAction;
  readonly #functions: WatchedFunction[] = [];
  readonly #deadLetterQueues: WatchedQueue[] = [];
  readonly #workQueues: WatchedQueue[] = [];

  constructor(scope: Construct, id: string, props: ObservabilityProps = {}) {
    super(scope, id);
    // CloudWatch cannot publish to a topic encrypted with the AWS managed aws/sns key, so: our own key.
    const key = new kms.Key(this, 'TopicKey', {
      description: 'Rekindle: encrypts the alarm topic',
      enableKeyRotation: true,
    });
    // Only on behalf of this account's alarms in this region, so no other account's alarm can use either.
    const fromThisAccountsAlarms = {
      StringEquals: { 'aws:SourceAccount': Aws.ACCOUNT_ID },
      ArnLike: {
        'aws:SourceArn': Arn.format(
          {
            service: 'cloudwatch',
            resource: 'alarm',
            resourceName: '*',
            arnFormat: ArnFormat.COLON_RESOURCE_NAME,
          },
          Stack.of(this),
        ),
      },
    };
    const cloudWatch = new iam.ServicePrincipal('cloudwatch.amazonaws.com');
    key.addToResourcePolicy(
      new iam.PolicyStatement({
        principals: [cloudWatch],
        actions: ['kms:Decrypt', 'kms:GenerateDataKey*'],
        resources: ['*'],
        conditions: fromThisAccountsAlarms,
      }),
    );
    this.topic = new sns.Topic(this, 'AlarmTopic', {
      displayName: 'Rekindle alarms',
      masterKey: key,
      enforceSSL: true,
    });
    // A topic policy replaces SNS's default one, so the TLS-only deny alone would let no alarm publish.
    this.topic.addToResourcePolicy(
      new iam.PolicyStatement({
        principals: [cloudWatch],
        actions: ['sns:Publish'],
        resources: [this.topic.topicArn],
        conditions: fromThisAccountsAlarms,
      }),
    );
    if (props.alarmEmail !== undefined) {
      this.topic.addSubscription(new subscriptions.EmailSubscription(props.alarmEmail));
    }
    this.#action = new cwActions.SnsAction(this.topic);
    this.dashboard = new cloudwatch.Dashboard(this, 'Dashboard', {
      defaultInterval: Duration.days(7),
    });

    this.addAlarm(
      'BounceRate',
      new cloudwatch.Metric({
        namespace: 'AWS/SES',
        metricName: 'Reputation.BounceRate',
        statistic: 'Maximum',
        period: Duration.hours(1),
      }),
      {
        threshold: props.bounceRateThreshold ?? 0.04,
        description: 'SES account bounce rate is close to the 5 % at which SES reviews the account',
      },
    );
    this.addAlarm(
      'ComplaintRate',
      new cloudwatch.Metric({
        namespace: 'AWS/SES',
        metricName: 'Reputation.ComplaintRate',
        statistic: 'Maximum',
        period: Duration.hours(1),
      }),
      {
        threshold: props.complaintRateThreshold ?? 0.0008,
        description: 'SES account complaint rate is close to the 0.1 % at which SES reviews the account',
      },
    );
  }

  /** An alarm at or above `threshold`, notifying the topic; missing data is not a breach. */
  addAlarm(
    id: string,
    metric: cloudwatch.IMetric,
    options: { threshold: number; description: string; evaluationPeriods?: number },
  ): cloudwatch.Alarm {
    const alarm = new cloudwatch.Alarm(this, id, {
      metric,
      threshold: options.threshold,
      evaluationPeriods: options.evaluationPeriods ?? 1,
      comparisonOperator: cloudwatch.ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
      treatMissingData: cloudwatch.TreatMissingData.NOT_BREACHING,
      alarmDescription: `Rekindle: ${options.description}`,
    });
    alarm.addAlarmAction(this.#action);
    this.alarms.push(alarm);
    return alarm;
  }

  /** Alarms as soon as anything waits on a dead-letter queue: a person has to look. */
  watchDeadLetterQueue(id: string, label: string, queue: sqs.IQueue): cloudwatch.Alarm {
    this.#deadLetterQueues.push({ label, queue });
    return this.addAlarm(
      `${id}DeadLetters`,
      queue.metricApproximateNumberOfMessagesVisible({ statistic: 'Maximum', period: Duration.minutes(5) }),
      { threshold: 1, description: `${label}: messages on the dead-letter queue` },
    );
  }

  /** Shows a work queue's depth and age on the dashboard. */
  watchQueue(label: string, queue: sqs.IQueue): void {
    this.#workQueues.push({ label, queue });
  }

  /**
   * Shows the function on the dashboard and counts it in the throttle alarm; with
   * `alarmOnErrors`, any error in five minutes raises an alarm.
   */
  watchFunction(
    id: string,
    label: string,
    fn: RekindleFunction,
    options: { alarmOnErrors?: boolean } = {},
  ): void {
    this.#functions.push({ label, fn });
    if (options.alarmOnErrors === true) {
      this.addAlarm(
        `${id}Errors`,
        fn.function.metricErrors({ statistic: 'Sum', period: Duration.minutes(5) }),
        { threshold: 1, description: `${label}: invocations failed` },
      );
    }
  }

  /** SES paused sending for the account (send-step's `SesSendingPaused` metric). */
  watchSendingPaused(): cloudwatch.Alarm {
    this.#testAlarm = this.addAlarm(
      'SendingPaused',
      new cloudwatch.Metric({
        namespace: 'Rekindle',
        metricName: sendingPausedMetric,
        dimensionsMap: { service: 'send-step' },
        statistic: 'Sum',
        period: Duration.minutes(5),
      }),
      { threshold: 1, description: 'SES has paused sending for the account; steps wait on the send queue' },
    );
    return this.#testAlarm;
  }

  /**
   * The alarm a first deploy sets to ALARM by hand to test notifications (`set-alarm-state`):
   * SES sending paused, quiet otherwise; undefined until `watchSendingPaused`.
   */
  get testAlarm(): cloudwatch.IAlarm | undefined {
    return this.#testAlarm;
  }

  /** record-engagement paused a sequence because its complaint rate crossed the configured threshold. */
  watchSequencePauses(): cloudwatch.Alarm {
    return this.addAlarm(
      'SequencePaused',
      new cloudwatch.Metric({
        namespace: 'Rekindle',
        metricName: sequencesPausedMetric,
        dimensionsMap: { service: 'record-engagement' },
        statistic: 'Sum',
        period: Duration.minutes(5),
      }),
      {
        threshold: 1,
        description:
          'a sequence was paused for its complaint rate; `rekindle sequence resume ID` once the cause is fixed',
      },
    );
  }

  /**
   * The throttle alarm over every watched function, and the dashboard. Call once, last. An alarm's
   * math may name at most 10 metrics, so past ten functions the next ten get an alarm of their own.
   */
  finish(): void {
    const perAlarm = 10;
    for (let start = 0; start < this.#functions.length; start += perAlarm) {
      const throttles = Object.fromEntries(
        this.#functions
          .slice(start, start + perAlarm)
          .map((watched, index) => [
            `t${index}`,
            watched.fn.function.metricThrottles({ statistic: 'Sum', period: Duration.minutes(5) }),
          ]),
      );
      this.addAlarm(
        start === 0 ? 'Throttles' : `Throttles${start / perAlarm + 1}`,
        new cloudwatch.MathExpression({
          // An idle function publishes no Throttles datapoints, and a sum with a missing term has no
          // value: without FILL one busy throttled function beside idle ones would read as "no data".
          expression: Object.keys(throttles)
            .map((id) => `FILL(${id}, 0)`)
            .join(' + '),
          usingMetrics: throttles,
          label: 'Throttled invocations, all Rekindle functions',
          period: Duration.minutes(5),
        }),
        {
          threshold: 1,
          evaluationPeriods: 3,
          description: 'Lambda throttled Rekindle functions for 15 minutes (account concurrency)',
        },
      );
    }
    this.buildDashboard();
  }

  private buildDashboard(): void {
    const sesMetric = (metricName: string, label: string) =>
      new cloudwatch.Metric({
        namespace: 'AWS/SES',
        metricName,
        statistic: 'Sum',
        period: Duration.hours(1),
        label,
      });
    const rate = (metricName: string, label: string) =>
      new cloudwatch.Metric({
        namespace: 'AWS/SES',
        metricName,
        statistic: 'Maximum',
        period: Duration.hours(1),
        label,
      });
    const perFunction = (
      title: string,
      metric: (fn: RekindleFunction, label: string) => cloudwatch.IMetric,
    ): cloudwatch.GraphWidget =>
      new cloudwatch.GraphWidget({
        title,
        width: 8,
        left: this.#functions.map((watched) => metric(watched.fn, watched.label)),
      });
    this.dashboard.addWidgets(
      new cloudwatch.TextWidget({
        markdown:
          '# Rekindle\nSending (SES), the queues between the steps, and every function. Alarms go to the SNS topic in the stack outputs.',
        width: 24,
        height: 2,
      }),
    );
    this.dashboard.addWidgets(
      new cloudwatch.AlarmStatusWidget({ title: 'Alarms', alarms: this.alarms, width: 24, height: 4 }),
    );
    this.dashboard.addWidgets(
      new cloudwatch.GraphWidget({
        title: 'SES: sent, delivered, bounced, complained (account)',
        width: 12,
        left: [
          sesMetric('Send', 'sent'),
          sesMetric('Delivery', 'delivered'),
          sesMetric('Bounce', 'bounced'),
          sesMetric('Complaint', 'complained'),
        ],
      }),
      new cloudwatch.GraphWidget({
        title: 'SES reputation: bounce and complaint rate',
        width: 12,
        left: [rate('Reputation.BounceRate', 'bounce rate')],
        right: [rate('Reputation.ComplaintRate', 'complaint rate')],
      }),
    );
    // Nothing silent: steps a pause holds back, by pause; `rekindle report` says which and how to resume.
    const pauseLabels: Record<HeldBackPause, string> = {
      'kill-switch': 'kill switch (rekindle pause --all)',
      sequence: 'sequence paused',
      'ses-account': 'SES account paused',
    };
    const heldBack = (pause: HeldBackPause, period: Duration) =>
      new cloudwatch.Metric({
        namespace: 'Rekindle',
        metricName: heldBackByPauseMetric,
        dimensionsMap: { service: 'send-step', pause },
        statistic: 'Sum',
        period,
        label: pauseLabels[pause],
      });
    this.dashboard.addWidgets(
      new cloudwatch.GraphWidget({
        title: 'Held back by a pause',
        width: 16,
        stacked: true,
        left: heldBackPauses.map((pause) => heldBack(pause, Duration.hours(1))),
      }),
      new cloudwatch.SingleValueWidget({
        title: 'Held back by a pause (dashboard range)',
        width: 8,
        setPeriodToTimeRange: true,
        metrics: heldBackPauses.map((pause) => heldBack(pause, Duration.hours(1))),
      }),
    );
    this.dashboard.addWidgets(
      new cloudwatch.GraphWidget({
        title: 'Queues: waiting messages',
        width: 12,
        left: this.#workQueues.map((watched) =>
          watched.queue.metricApproximateNumberOfMessagesVisible({
            statistic: 'Maximum',
            label: watched.label,
          }),
        ),
        right: this.#workQueues.map((watched) =>
          watched.queue.metricApproximateAgeOfOldestMessage({
            statistic: 'Maximum',
            label: `${watched.label}: oldest (s)`,
          }),
        ),
      }),
      new cloudwatch.GraphWidget({
        title: 'Dead-letter queues',
        width: 12,
        left: this.#deadLetterQueues.map((watched) =>
          watched.queue.metricApproximateNumberOfMessagesVisible({
            statistic: 'Maximum',
            label: watched.label,
          }),
        ),
      }),
    );
    this.dashboard.addWidgets(
      perFunction('Invocations', (fn, label) => fn.function.metricInvocations({ statistic: 'Sum', label })),
      perFunction('Errors', (fn, label) => fn.function.metricErrors({ statistic: 'Sum', label })),
      perFunction('Duration p95 (ms)', (fn, label) =>
        fn.function.metricDuration({ statistic: 'p95', label }),
      ),
    );
  }
}
