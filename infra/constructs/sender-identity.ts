import { Aws } from 'aws-cdk-lib';
import * as ses from 'aws-cdk-lib/aws-ses';
import { Construct } from 'constructs';

/** One DNS record the operator creates at their DNS host; the stack lists them as outputs. */
export interface DnsRecord {
  readonly name: string;
  readonly type: 'CNAME' | 'MX' | 'TXT';
  readonly value: string;
  /** Why the record is needed, for the output's description. */
  readonly purpose: string;
}

export interface SenderIdentityProps {
  /** The domain mail is sent from (the From address's domain or a parent of it). */
  readonly senderDomain: string;
  /** Every message sent as this identity goes through this configuration set unless told otherwise. */
  readonly configurationSet: ses.IConfigurationSet;
  /**
   * The custom MAIL FROM (envelope sender) domain, a subdomain of `senderDomain`: bounces go there,
   * and SPF aligns with the From domain for DMARC.
   * @default `mail.<senderDomain>`
   */
  readonly mailFromDomain?: string;
  /**
   * Where receivers send DMARC aggregate reports (`rua=mailto:…`). An address outside the sender
   * domain receives them only once its domain publishes an authorisation record (RFC 7489 §7.1).
   * @default - no reports
   */
  readonly dmarcReportAddress?: string;
}

/**
 * The SES domain identity mail is sent as: Easy DKIM with 2048-bit keys, a custom MAIL FROM
 * domain, and the configuration set as default. SES verifies it once the DNS records in
 * `dnsRecords` exist; until then it cannot send.
 */
export class SenderIdentity extends Construct {
  readonly identity: ses.EmailIdentity;
  readonly senderDomain: string;
  readonly mailFromDomain: string;
  readonly dmarcReportAddress?: string;

  constructor(scope: Construct, id: string, props: SenderIdentityProps) {
    super(scope, id);
    this.senderDomain = props.senderDomain;
    this.mailFromDomain = props.mailFromDomain ?? `mail.${props.senderDomain}`;
    this.dmarcReportAddress = props.dmarcReportAddress;
    this.identity = new ses.EmailIdentity(this, 'Identity', {
      identity: ses.Identity.domain(props.senderDomain),
      dkimIdentity: ses.DkimIdentity.easyDkim(ses.EasyDkimSigningKeyLength.RSA_2048_BIT),
      dkimSigning: true,
      mailFromDomain: this.mailFromDomain,
      // Keep sending from the sender domain itself if the MAIL FROM records go missing.
      mailFromBehaviorOnMxFailure: ses.MailFromBehaviorOnMxFailure.USE_DEFAULT_VALUE,
      configurationSet: props.configurationSet,
    });
  }

  /** The records SES needs to verify the domain, sign with DKIM and use the MAIL FROM domain, plus DMARC. */
  get dnsRecords(): DnsRecord[] {
    return [
      ...this.identity.dkimRecords.map(
        (record, index): DnsRecord => ({
          name: record.name,
          type: 'CNAME',
          value: record.value,
          purpose: `Easy DKIM key ${index + 1} of 3: verifies ${this.senderDomain} and signs its mail`,
        }),
      ),
      {
        name: this.mailFromDomain,
        type: 'MX',
        value: `10 feedback-smtp.${Aws.REGION}.amazonses.com`,
        purpose: 'MAIL FROM domain: where receiving servers send bounces',
      },
      {
        name: this.mailFromDomain,
        type: 'TXT',
        value: '"v=spf1 include:amazonses.com ~all"',
        purpose: 'SPF for the MAIL FROM domain, so SPF aligns with the From domain',
      },
      {
        name: `_dmarc.${this.senderDomain}`,
        type: 'TXT',
        value:
          this.dmarcReportAddress === undefined
            ? '"v=DMARC1; p=none;"'
            : `"v=DMARC1; p=none; rua=mailto:${this.dmarcReportAddress};"`,
        purpose:
          this.dmarcReportAddress === undefined
            ? 'DMARC policy; start with p=none, tighten to quarantine once reports look clean'
            : `DMARC policy, daily aggregate reports to ${this.dmarcReportAddress}; start with p=none, tighten to quarantine once the reports show only your own senders passing`,
      },
    ];
  }
}
