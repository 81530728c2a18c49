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
  /**
   * The stack output listing it, e.g. `DnsDkim1`.
   * @default - chosen by whoever lists it
   */
  readonly outputId?: string;
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
  /**
   * The domain is already an SES identity in this account and region (a shop already sending
   * through SES): it is used as it is (`EmailIdentity.fromEmailIdentityName`), since creating it
   * again fails with AlreadyExists. Its DKIM tokens and MAIL FROM domain cannot be known at synth.
   * @default false
   */
  readonly existing?: boolean;
}

/**
 * The SES domain identity mail is sent as: Easy DKIM with 2048-bit keys, a custom MAIL FROM
 * domain, and the configuration set as default. SES verifies it once the DNS records in
 * `dnsRecords` exist; until then it cannot send.
 */
export class SenderIdentity extends Construct {
  readonly identity: ses.IEmailIdentity;
  readonly senderDomain: string;
  readonly mailFromDomain: string;
  readonly dmarcReportAddress?: string;
  /** An identity that existed before the stack; the stack neither created nor will delete it. */
  readonly existing: boolean;
  readonly #created?: ses.EmailIdentity;

  constructor(scope: Construct, id: string, props: SenderIdentityProps) {
    super(scope, id);
    this.senderDomain = props.senderDomain;
    this.mailFromDomain = props.mailFromDomain ?? `mail.${props.senderDomain}`;
    this.dmarcReportAddress = props.dmarcReportAddress;
    this.existing = props.existing ?? false;
    if (this.existing) {
      this.identity = ses.EmailIdentity.fromEmailIdentityName(this, 'Identity', props.senderDomain);
      return;
    }
    this.#created = new ses.EmailIdentity(this, 'Identity', {
      identity: ses.Identity.domain(props.senderDomain),
      dkimIdentity: ses.DkimIdentity.easyDkim(ses.EasyDkimSigningKeyLength.RSA_2048_BIT),
      dkimSigning: true,
      mailFromDomain: this.mailFromDomain,
      // Keep sending from the sender domain itself if the MAIL FROM records go missing.
      mailFromBehaviorOnMxFailure: ses.MailFromBehaviorOnMxFailure.USE_DEFAULT_VALUE,
      configurationSet: props.configurationSet,
    });
    this.identity = this.#created;
  }

  /**
   * The records SES needs to verify the domain, sign with DKIM and use the MAIL FROM domain, plus
   * DMARC. For an existing identity only DMARC: the rest belong to the identity as it was set up.
   */
  get dnsRecords(): DnsRecord[] {
    const created = this.#created;
    const identityRecords: DnsRecord[] =
      created === undefined
        ? []
        : [
            ...created.dkimRecords.map(
              (record, index): DnsRecord => ({
                name: record.name,
                type: 'CNAME',
                value: record.value,
                purpose: `Easy DKIM key ${index + 1} of 3: verifies ${this.senderDomain} and signs its mail`,
                outputId: `DnsDkim${index + 1}`,
              }),
            ),
            {
              name: this.mailFromDomain,
              type: 'MX',
              value: `10 feedback-smtp.${Aws.REGION}.amazonses.com`,
              purpose: 'MAIL FROM domain: where receiving servers send bounces',
              outputId: 'DnsMailFromMx',
            },
            {
              name: this.mailFromDomain,
              type: 'TXT',
              value: '"v=spf1 include:amazonses.com ~all"',
              purpose: 'SPF for the MAIL FROM domain, so SPF aligns with the From domain',
              outputId: 'DnsMailFromSpf',
            },
          ];
    return [
      ...identityRecords,
      {
        outputId: 'DnsDmarc',
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
