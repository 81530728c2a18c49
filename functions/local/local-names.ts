/** The region and account the local stack pretends to be in. */
export const region = 'eu-west-1';
export const account = '000000000000';

/** The names the local stack uses where CDK would generate them. */
export const localNames = {
  tableName: 'rekindle-local',
  importBucket: 'rekindle-imports',
  scheduleGroup: 'rekindle-steps',
  schedulerRoleArn: `arn:aws:iam::${account}:role/rekindle-scheduler`,
  sendQueueArn: `arn:aws:sqs:${region}:${account}:rekindle-send`,
  sendDeadLetterQueueArn: `arn:aws:sqs:${region}:${account}:rekindle-send-dlq`,
  segmentQueueArn: `arn:aws:sqs:${region}:${account}:rekindle-segments`,
  engagementQueueArn: `arn:aws:sqs:${region}:${account}:rekindle-engagement`,
  segmenterArn: `arn:aws:lambda:${region}:${account}:function:rekindle-segment-customers`,
  planSegmentationArn: `arn:aws:lambda:${region}:${account}:function:rekindle-plan-segmentation`,
  configurationSet: 'rekindle-local',
  // The shop's own unsubscribe domain, as a deployed stack with one would sign (nothing listens there locally).
  unsubscribeUrl: 'https://unsubscribe.northwind.example/u',
  linkSigningKey: 'local-development-link-key-not-secret',
  /** Where the SES receipt rule's S3 action would store inbound replies. */
  inboundBucket: 'rekindle-inbound',
  inboundPrefix: 'inbound/',
  /** The live endpoints' secrets (the integration secret's JSON on AWS); not secret locally. */
  integrationSecrets: {
    shopify: 'local-shopify-app-secret-not-secret',
    zendesk: 'local-zendesk-signing-secret-not-secret',
    token: 'local-helpdesk-token-not-secret',
  },
  /** The partner event sources the local stack's EventBridge rules read. */
  shopifyEventSource: 'aws.partner/shopify.com/100000/rekindle-local',
  stripeEventSource: 'aws.partner/stripe.com/ed_local',
} as const;
