import { App } from 'aws-cdk-lib';
import { buildApp } from './build-app.ts';

// The only place reading context and the environment:
// `cdk deploy -c senderDomain=shop.example -c replyDomain=reply.shop.example -c alarmEmail=ops@shop.example`.
const app = new App();
const context = {
  senderDomain: app.node.tryGetContext('senderDomain'),
  replyDomain: app.node.tryGetContext('replyDomain'),
  supportAddress: app.node.tryGetContext('supportAddress'),
  alarmEmail: app.node.tryGetContext('alarmEmail'),
  trackingDomain: app.node.tryGetContext('trackingDomain'),
  trackingCertificateArn: app.node.tryGetContext('trackingCertificateArn'),
  unsubscribeDomain: app.node.tryGetContext('unsubscribeDomain'),
  unsubscribeCertificateArn: app.node.tryGetContext('unsubscribeCertificateArn'),
  dmarcRua: app.node.tryGetContext('dmarcRua'),
  senderIdentity: app.node.tryGetContext('senderIdentity'),
  inboundReplies: app.node.tryGetContext('inboundReplies'),
  sandboxRecipients: app.node.tryGetContext('sandboxRecipients'),
  linkSigningSecretArn: app.node.tryGetContext('linkSigningSecretArn'),
  shopifyEventSource: app.node.tryGetContext('shopifyEventSource'),
  stripeEventSource: app.node.tryGetContext('stripeEventSource'),
  // Set by the CDK CLI from the profile or AWS_REGION; absent offline.
  region: process.env.CDK_DEFAULT_REGION,
};

try {
  await buildApp({ app, configFile: 'config/rekindle.yaml', templatesDir: 'templates', context });
} catch (error: unknown) {
  // ContextError, ConfigError and TemplateCompileError carry one line per problem; a stack trace would bury them.
  console.error(error instanceof Error ? error.message : String(error));
  process.exit(1);
}
app.synth();
