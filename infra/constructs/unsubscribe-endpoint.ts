import { Duration } from 'aws-cdk-lib';
import * as origins from 'aws-cdk-lib/aws-cloudfront-origins';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import { Construct } from 'constructs';
import type { BakedBundle } from '../../functions/build/runtime-bundle.ts';
import { EnvironmentNames } from '../../functions/handlers/environment.ts';
import { type CustomDomain, CustomDomainFront } from './custom-domain-front.ts';
import type { CustomerTable } from './data.ts';
import type { LinkSigningKey } from './link-signing-key.ts';
import { RekindleFunction } from './rekindle-function.ts';

export interface UnsubscribeEndpointProps {
  readonly runtimeBundle: BakedBundle;
  readonly table: CustomerTable;
  readonly linkSigningKey: LinkSigningKey;
  /**
   * Concurrency reserved for (and capping) the public endpoint. Off by default: a new account's
   * Lambda quota is 10, all of which must stay unreserved, so reserving any fails the deploy there.
   * @default - none
   */
  readonly reservedConcurrentExecutions?: number;
  /**
   * Serve the page on the shop's own domain (CloudFront in front of the Function URL, which
   * cannot take a custom domain itself); every link then points there.
   * @default - the Function URL's own domain (`*.lambda-url.<region>.on.aws`)
   */
  readonly customDomain?: CustomDomain;
}

/**
 * The page behind every List-Unsubscribe link: the unsubscribe function on a Lambda Function URL,
 * optionally behind CloudFront on the shop's own domain. The URL is public by design (a
 * recipient's mail client calls it); every request is authorised by the HMAC-signed token it
 * carries, so an unsigned request changes nothing.
 */
export class UnsubscribeEndpoint extends Construct {
  readonly unsubscribeFunction: RekindleFunction;
  readonly functionUrl: lambda.FunctionUrl;
  /** CloudFront on the shop's domain, when one was given. */
  readonly front?: CustomDomainFront;

  constructor(scope: Construct, id: string, props: UnsubscribeEndpointProps) {
    super(scope, id);
    this.unsubscribeFunction = new RekindleFunction(this, 'Unsubscribe', {
      entry: 'functions/handlers/unsubscribe.ts',
      description: 'Rekindle: the one-click unsubscribe and preferences page',
      runtimeBundle: props.runtimeBundle,
      timeout: Duration.seconds(10),
      memorySize: 256,
      environment: {
        [EnvironmentNames.tableName]: props.table.tableName,
        [EnvironmentNames.linkSecretArn]: props.linkSigningKey.secretArn,
      },
      ...(props.reservedConcurrentExecutions === undefined
        ? {}
        : { reservedConcurrentExecutions: props.reservedConcurrentExecutions }),
    });
    props.table.grantReadWrite(this.unsubscribeFunction);
    props.linkSigningKey.grantRead(this.unsubscribeFunction);
    this.functionUrl = this.unsubscribeFunction.function.addFunctionUrl({
      authType: lambda.FunctionUrlAuthType.NONE,
      invokeMode: lambda.InvokeMode.BUFFERED,
    });
    if (props.customDomain !== undefined) {
      // No origin access control: with it, a POST must carry its body's SHA-256, which mail
      // clients sending the RFC 8058 one-click POST do not; the token is the authorisation.
      this.front = new CustomDomainFront(this, 'Front', {
        domain: props.customDomain,
        origin: new origins.FunctionUrlOrigin(this.functionUrl),
        purpose: 'The unsubscribe page',
        allowPost: true,
      });
    }
  }

  /** The URL List-Unsubscribe links point at (ends with `/`): the shop's domain when given. */
  get url(): string {
    return this.front === undefined ? this.functionUrl.url : `https://${this.front.domainName}/`;
  }
}
