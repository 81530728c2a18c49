import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  actionFor,
  type ClassifyInput,
  classifyInbound,
  mentionsStopping,
  unsubscribeIntent,
} from '../../../../functions/core/inbound/classify.ts';

const reply = (newText: string, overrides: Partial<ClassifyInput> = {}): ClassifyInput => ({
  headers: new Map([['in-reply-to', '<abc@northwind.example>']]),
  subject: 'Re: Asha, it has been a while',
  from: 'asha@example.com',
  body: `${newText}\n\nOn Mon, 30 Nov 2026, Northwind wrote:\n> Hello Asha`,
  newText,
  ...overrides,
});

describe('unsubscribe by reply only on clear intent', () => {
  it.each([
    ['en', 'Unsubscribe'],
    ['en', 'STOP'],
    ['en', 'stop.'],
    ['en', 'Please remove me from your list. Thanks'],
    ['en', 'opt-out'],
    ['de', 'Bitte abmelden. Danke'],
    ['fr', 'Désabonnez-moi svp'],
    ['es', 'Darme de baja, por favor'],
    ['it', 'Cancellami, grazie'],
    ['nl', 'Schrijf mij uit aub'],
    ['pt', 'Descadastre-me, obrigado'],
    ['hi', 'कृपया मुझे ईमेल बंद करें।'],
    ['hi', 'अनसब्सक्राइब'],
    ['gu', 'મહેરબાની કરીને બંધ કરો'],
    ['si', 'කරුණාකර නවත්වන්න'],
  ])('takes the %s word alone as a request: %s', (locale, text) => {
    expect(unsubscribeIntent(text, 'Re: hello')).toBe(locale);
    expect(classifyInbound(reply(text))).toMatchObject({
      class: 'unsubscribe-request',
      unsubscribeLocale: locale,
    });
  });

  it('takes the word as the subject of an otherwise empty reply', () => {
    expect(unsubscribeIntent('', 'Re: unsubscribe')).toBe('en');
    expect(classifyInbound(reply('', { subject: 'unsubscribe' })).class).toBe('unsubscribe-request');
  });

  it('takes the List-Unsubscribe mailto as a request', () => {
    expect(classifyInbound(reply('whatever they wrote', { viaMailto: true }))).toMatchObject({
      class: 'unsubscribe-request',
      unsubscribeLocale: 'mailto',
    });
  });

  it('forwards a complaint that mentions unsubscribing, marked, and does not unsubscribe', () => {
    const text =
      "I don't want to unsubscribe! I want an answer: the record arrived cracked three weeks ago and nobody replied. Please help.";
    const found = classifyInbound(reply(text, { subject: 'Re: unsubscribe' }));
    expect(found).toMatchObject({ class: 'human-reply', alsoAsksToStop: 'en' });
    expect(actionFor(found)).toBe('end-enrolment-and-forward');
  });

  it('forwards "Stop ignoring my refund request" unmarked', () => {
    const found = classifyInbound(reply('Stop ignoring my refund request'));
    expect(found.class).toBe('human-reply');
    expect(found.alsoAsksToStop).toBeUndefined();
  });

  it('forwards a request to stop that says more, marked', () => {
    expect(
      classifyInbound(reply('Please unsubscribe me, but first tell me where my order is.')),
    ).toMatchObject({
      class: 'human-reply',
      alsoAsksToStop: 'en',
    });
    expect(mentionsStopping('I will not stop buying from you', '')).toBeUndefined();
    expect(
      classifyInbound(reply('Ich möchte mich abmelden, aber wo ist meine Rückerstattung?')),
    ).toMatchObject({ class: 'human-reply', alsoAsksToStop: 'de' });
    expect(mentionsStopping("Je veux me désinscrire, mais d'abord : où est ma commande ?", '')).toBe('fr');
  });
});

describe('machines by structure', () => {
  const dsn = (status: string) =>
    new TextEncoder().encode(
      [
        'From: MAILER-DAEMON@mx.example.net',
        'Content-Type: multipart/report; report-type=delivery-status; boundary="b"',
        '',
        '--b',
        'Content-Type: text/plain',
        '',
        'Sorry.',
        '--b',
        'Content-Type: message/delivery-status',
        '',
        'Reporting-MTA: dns; mx.example.net',
        '',
        'Final-Recipient: rfc822; Asha@Example.com',
        'Action: failed',
        `Status: ${status}`,
        '',
        '--b--',
      ].join('\r\n'),
    );
  const machine = (raw: Uint8Array, headers: [string, string][] = []): ClassifyInput => ({
    headers: new Map([['content-type', 'multipart/report; report-type=delivery-status'], ...headers]),
    subject: 'Re: hello',
    from: 'someone@example.net',
    body: 'Sorry.',
    newText: 'Sorry.',
    raw,
  });

  it('reads a DSN’s recipients and whether the failure is permanent', () => {
    const found = classifyInbound(machine(dsn('5.1.1')));
    expect(found).toMatchObject({
      class: 'bounce',
      bounced: [{ address: 'asha@example.com', status: '5.1.1', permanent: true }],
    });
    expect(actionFor(found)).toBe('suppress');
    const delayed = classifyInbound(machine(dsn('4.4.7')));
    expect(delayed).toMatchObject({ class: 'bounce', bounced: [{ permanent: false }] });
    expect(actionFor(delayed)).toBe('nothing');
  });

  it('takes a feedback report for a complaint', () => {
    const raw = new TextEncoder().encode(
      'Content-Type: multipart/report; report-type=feedback-report; boundary="b"\r\n\r\n--b\r\nContent-Type: message/feedback-report\r\n\r\nFeedback-Type: abuse\r\n--b--',
    );
    const found = classifyInbound({
      ...machine(raw),
      headers: new Map([['content-type', 'multipart/report; report-type=feedback-report; boundary="b"']]),
    });
    expect(found).toMatchObject({ class: 'feedback-report', feedbackType: 'abuse' });
    expect(actionFor(found)).toBe('complaint');
  });

  it.each([
    [[['auto-submitted', 'auto-replied']], 'auto-reply'],
    [[['x-autoreply', 'yes']], 'auto-reply'],
    [[['precedence', 'junk']], 'auto-reply'],
    [[['x-auto-response-suppress', 'All']], 'auto-reply'],
    [[['return-path', '<>']], 'auto-reply'],
  ] as [[string, string][], string][])('takes headers %j for %s', (headers, expected) => {
    expect(classifyInbound(reply('Thanks, noted.', { headers: new Map(headers) })).class).toBe(expected);
  });

  it('takes a daemon or postmaster sender for a bounce', () => {
    expect(
      classifyInbound(reply('Your message could not be delivered', { from: 'MAILER-DAEMON@mx.example' }))
        .class,
    ).toBe('bounce');
    expect(classifyInbound(reply('oops', { from: 'postmaster@example.org' })).class).toBe('bounce');
  });
});

describe('auto-replies by wording', () => {
  it.each([
    ['en', 'Out of Office: Re: hello', 'I am out of the office until Monday.'],
    ['de', 'Abwesenheitsnotiz', 'Ich bin derzeit nicht im Büro.'],
    ['fr', 'Réponse automatique : Re: bonjour', 'Je suis absent jusqu’au 5 janvier.'],
    ['es', 'Respuesta automática: Re: hola', 'Estoy fuera de la oficina hasta el lunes.'],
    ['it', 'Risposta automatica: Re: ciao', 'Sono fuori ufficio fino a lunedì.'],
    ['nl', 'Automatisch antwoord: Re: hallo', 'Ik ben afwezig tot maandag.'],
    ['pt', 'Resposta automática: Re: olá', 'Estou de férias até segunda.'],
    ['hi', 'स्वचालित उत्तर: Re: नमस्ते', 'मैं कार्यालय से बाहर हूँ।'],
  ])('recognises a %s auto-reply by subject and by body alone', (_locale, subject, body) => {
    expect(classifyInbound(reply(body, { subject, headers: new Map() })).class).toBe('auto-reply');
    expect(classifyInbound(reply(body, { subject: 'Re: hello' })).class).toBe('auto-reply');
  });

  it('recognises a helpdesk acknowledgement', () => {
    expect(
      classifyInbound(
        reply('Thank you for contacting us. We have received your request; your ticket number is 4411.'),
      ).class,
    ).toBe('auto-reply');
  });

  it('does not take a person for a machine', () => {
    expect(
      classifyInbound(reply('Sure, I would love to come back. Is the jazz box still available?')).class,
    ).toBe('human-reply');
  });

  it('does not take a message that answers nothing for a reply', () => {
    expect(
      classifyInbound({
        headers: new Map(),
        subject: 'hello',
        from: 'a@example.com',
        body: 'hi',
        newText: 'hi',
      }).class,
    ).toBe('other');
  });
});

describe('robustness', () => {
  it('never throws on arbitrary input', () => {
    const headerNames = fc.constantFrom(
      'content-type',
      'auto-submitted',
      'precedence',
      'return-path',
      'in-reply-to',
      'x-amz-sns-message-id',
      'x-apple-unsubscribe',
    );
    fc.assert(
      fc.property(
        fc.array(fc.tuple(headerNames, fc.string({ maxLength: 200 })), { maxLength: 6 }),
        fc.string({ maxLength: 300 }),
        fc.string({ maxLength: 100 }),
        fc.string({ maxLength: 1_000 }),
        fc.string({ maxLength: 300 }),
        fc.option(fc.uint8Array({ maxLength: 3_000 }), { nil: undefined }),
        fc.boolean(),
        (headers, subject, from, body, newText, raw, viaMailto) => {
          const found = classifyInbound({
            headers: new Map(headers),
            subject,
            from,
            body,
            newText,
            viaMailto,
            ...(raw === undefined ? {} : { raw }),
          });
          expect(found.rule).not.toBe('');
          expect(['nothing', 'suppress', 'complaint', 'unsubscribe', 'end-enrolment-and-forward']).toContain(
            actionFor(found),
          );
        },
      ),
      { numRuns: 500 },
    );
  });
});
