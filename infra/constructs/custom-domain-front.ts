import { Validations } from 'aws-cdk-lib';
import type * as acm from 'aws-cdk-lib/aws-certificatemanager';
import * as cloudfront from 'aws-cdk-lib/aws-cloudfront';
import { Construct } from 'constructs';
import type { DnsRecord } from './sender-identity.ts';

/** A domain of the shop's and the certificate CloudFront presents for it. */
export interface CustomDomain {
  /** e.g. `unsubscribe.shop.example`; the operator points it at the distribution (a CNAME). */
  readonly domainName: string;
  /** An ACM certificate in us-east-1 (the only region CloudFront takes them from) covering `domainName`. */
  readonly certificate: acm.ICertificate;
}

export interface CustomDomainFrontProps {
  readonly domain: CustomDomain;
  /** What the domain serves; it receives every request as sent, but for the Host header. */
  readonly origin: cloudfront.IOrigin;
  /** What it serves, capitalised (`Tracked links`): the console's comment and the CNAME's description. */
  readonly purpose: string;
  /**
   * Forward POST (and the other writing methods) too, for a form or RFC 8058 one-click unsubscribe.
   * @default false: GET and HEAD only
   */
  readonly allowPost?: boolean;
}

/**
 * A CloudFront distribution that puts an HTTPS origin on the shop's own domain: no caching (every
 * request is personal and signed), every header, cookie and query string passed on except Host (the
 * origin answers to its own name), HTTP redirected to HTTPS, TLS 1.2 or later.
 */
export class CustomDomainFront extends Construct {
  readonly distribution: cloudfront.Distribution;
  readonly domainName: string;
  readonly #purpose: string;

  constructor(scope: Construct, id: string, props: CustomDomainFrontProps) {
    super(scope, id);
    this.domainName = props.domain.domainName;
    this.#purpose = props.purpose;
    this.distribution = new cloudfront.Distribution(this, 'Distribution', {
      comment: `Rekindle: ${props.purpose.toLowerCase()}`,
      domainNames: [props.domain.domainName],
      certificate: props.domain.certificate,
      minimumProtocolVersion: cloudfront.SecurityPolicyProtocol.TLS_V1_2_2021,
      httpVersion: cloudfront.HttpVersion.HTTP2_AND_3,
      defaultBehavior: {
        origin: props.origin,
        viewerProtocolPolicy: cloudfront.ViewerProtocolPolicy.REDIRECT_TO_HTTPS,
        allowedMethods:
          props.allowPost === true
            ? cloudfront.AllowedMethods.ALLOW_ALL
            : cloudfront.AllowedMethods.ALLOW_GET_HEAD,
        cachePolicy: cloudfront.CachePolicy.CACHING_DISABLED,
        originRequestPolicy: cloudfront.OriginRequestPolicy.ALL_VIEWER_EXCEPT_HOST_HEADER,
      },
    });
    const acknowledge = (id: string, reason: string) =>
      Validations.of(this.distribution).acknowledge({ id, reason });
    acknowledge(
      'AwsSolutions-CFR1',
      'Recipients anywhere must be able to follow their links and unsubscribe; a geo restriction would break the law it serves.',
    );
    acknowledge(
      'AwsSolutions-CFR2',
      'Nothing cached and no state behind it but what a signed token allows; a web ACL costs more per month than this traffic and blocks nothing the signature does not.',
    );
    acknowledge(
      'AwsSolutions-CFR3',
      "Access logs would keep every recipient's signed link (personal data) with their IP address; the origin records what it acts on.",
    );
  }

  /** The CNAME the operator creates at their DNS host. */
  get dnsRecord(): DnsRecord {
    return {
      name: this.domainName,
      type: 'CNAME',
      value: this.distribution.distributionDomainName,
      purpose: `${this.#purpose} on the shop's own domain, served by CloudFront`,
    };
  }
}
