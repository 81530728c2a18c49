import { App } from 'aws-cdk-lib';
import { buildApp } from './build-app.ts';

// The only place reading context: `cdk synth -c senderDomain=mail.example.com -c alarmEmail=ops@example.com`.
const app = new App();
const context = {
  senderDomain: app.node.tryGetContext('senderDomain'),
  alarmEmail: app.node.tryGetContext('alarmEmail'),
};

try {
  await buildApp({ app, configFile: 'config/rekindle.yaml', templatesDir: 'templates', context });
} catch (error: unknown) {
  // ConfigError and TemplateCompileError carry file:line messages; a stack trace would bury them.
  console.error(error instanceof Error ? error.message : String(error));
  process.exit(1);
}
app.synth();
