import { createHash } from 'node:crypto';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Duration, RemovalPolicy, Stage, Validations } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import { NodejsFunction } from 'aws-cdk-lib/aws-lambda-nodejs';
import * as logs from 'aws-cdk-lib/aws-logs';
import type * as sqs from 'aws-cdk-lib/aws-sqs';
import { Construct } from 'constructs';
import {
  type BakedBundle,
  bakedBundleIdentifier,
  bakedBundleModule,
} from '../../functions/build/runtime-bundle.ts';
import { functionNodeOptions, functionSourceMaps } from './function-runtime.ts';

/** The repository root: esbuild's project root and where package-lock.json lives. */
const repositoryRoot = fileURLToPath(new URL('../../', import.meta.url));

/** Writes the serialized bundle as the module esbuild injects, next to the cloud assembly; named by content. */
function writeBundleModule(scope: Construct, serialized: string): string {
  const directory = Stage.of(scope)?.outdir ?? fileURLToPath(new URL('../../cdk.out/', import.meta.url));
  const digest = createHash('sha256').update(serialized).digest('hex').slice(0, 16);
  const file = join(directory, `rekindle-runtime-bundle-${digest}.mjs`);
  mkdirSync(directory, { recursive: true });
  writeFileSync(file, bakedBundleModule(serialized));
  return file;
}

export interface RekindleFunctionProps {
  /** The handler module, relative to the repository root; it must export `handler`. */
  readonly entry: string;
  /** The validated config (and templates, if it renders), baked in as `process.env.REKINDLE_BUNDLE`. */
  readonly runtimeBundle: BakedBundle;
  /**
   * The function renders emails, so its bundle carries the compiled templates; the others get the
   * config alone, smaller and quicker to parse at cold start.
   * @default false
   */
  readonly renders?: boolean;
  /** What the function does, shown in the console. */
  readonly description: string;
  /**
   * Variables the handler parses at cold start; names from functions/handlers/environment.ts.
   * @default - none besides NODE_OPTIONS
   */
  readonly environment?: Readonly<Record<string, string>>;
  /** @default Duration.seconds(30) */
  readonly timeout?: Duration;
  /** @default 512 */
  readonly memorySize?: number;
  /** @default logs.RetentionDays.ONE_MONTH */
  readonly logRetention?: logs.RetentionDays;
  /**
   * Active X-Ray tracing. Off by default because it needs `xray:Put*` on `*`.
   * @default false
   */
  readonly tracing?: boolean;
  /**
   * Where asynchronous invocations (EventBridge, SES, Scheduler) land, whole, once their retries
   * are spent. Functions fed by SQS leave this unset: the queue's own dead-letter queue holds them.
   * @default - none
   */
  readonly deadLetterQueue?: sqs.IQueue;
  /**
   * Concurrency reserved for (and capping) this function.
   * @default - none: the account's unreserved pool
   */
  readonly reservedConcurrentExecutions?: number;
}

/**
 * One Rekindle Lambda: Node.js 22 on arm64, bundled by the local esbuild with the runtime bundle
 * baked in, JSON logs into its own log group, and a role that starts with nothing but writing
 * to that group (no AWS managed policies). Grant it more through the other constructs' intent methods.
 */
export class RekindleFunction extends Construct implements iam.IGrantable {
  readonly function: NodejsFunction;
  readonly role: iam.Role;
  readonly logGroup: logs.LogGroup;

  constructor(scope: Construct, id: string, props: RekindleFunctionProps) {
    super(scope, id);

    this.logGroup = new logs.LogGroup(this, 'Logs', {
      retention: props.logRetention ?? logs.RetentionDays.ONE_MONTH,
      removalPolicy: RemovalPolicy.DESTROY,
    });
    this.role = new iam.Role(this, 'Role', {
      assumedBy: new iam.ServicePrincipal('lambda.amazonaws.com'),
      description: `Execution role of: ${props.description}`,
    });
    this.logGroup.grantWrite(this.role);

    this.function = new NodejsFunction(this, 'Function', {
      entry: fileURLToPath(new URL(props.entry, `file://${repositoryRoot}`)),
      handler: 'handler',
      projectRoot: repositoryRoot,
      depsLockFilePath: `${repositoryRoot}package-lock.json`,
      description: props.description,
      runtime: lambda.Runtime.NODEJS_22_X,
      architecture: lambda.Architecture.ARM_64,
      memorySize: props.memorySize ?? 512,
      timeout: props.timeout ?? Duration.seconds(30),
      role: this.role,
      logGroup: this.logGroup,
      loggingFormat: lambda.LoggingFormat.JSON,
      applicationLogLevelV2: lambda.ApplicationLogLevel.INFO,
      systemLogLevelV2: lambda.SystemLogLevel.WARN,
      tracing: props.tracing === true ? lambda.Tracing.ACTIVE : lambda.Tracing.DISABLED,
      ...(props.deadLetterQueue === undefined
        ? {}
        : { deadLetterQueueEnabled: true, deadLetterQueue: props.deadLetterQueue, retryAttempts: 2 }),
      ...(props.reservedConcurrentExecutions === undefined
        ? {}
        : { reservedConcurrentExecutions: props.reservedConcurrentExecutions }),
      environment: { NODE_OPTIONS: functionNodeOptions, ...props.environment },
      bundling: {
        minify: true,
        ...functionSourceMaps,
        target: 'node22',
        // The AWS SDK v3 comes with the Node.js 22 runtime (CDK's default): bundles stay under 400 KB
        // (docs/benchmarks.md). The price is that the runtime's client versions, not package-lock.json's,
        // run in Lambda; pin them by bundling (`externalModules: []`) if that matters more than cold starts.
        externalModules: ['@aws-sdk/*'],
        // The config is compiled in: a deploy is the only way to change it, and cold start reads no files.
        define: { 'process.env.REKINDLE_BUNDLE': bakedBundleIdentifier },
        inject: [
          writeBundleModule(
            this,
            props.renders === true ? props.runtimeBundle.serialized : props.runtimeBundle.serializedConfig,
          ),
        ],
      },
    });
    Validations.of(this.function).acknowledge({
      id: 'AwsSolutions-L1',
      reason:
        'Pinned to Node.js 22 in Lambda (the bundles target it); local development and CI run Node.js 20 (package.json engines >=20), so the code runs on both; moving Lambda to 24 is a deliberate change here.',
    });
  }

  get grantPrincipal(): iam.IPrincipal {
    return this.role;
  }

  /** Adds one environment variable after construction, e.g. a value from a construct built later. */
  addEnvironment(name: string, value: string): this {
    this.function.addEnvironment(name, value);
    return this;
  }
}
