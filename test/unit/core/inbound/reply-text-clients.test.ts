import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { parseReply } from '../../../../functions/core/inbound/parse-reply.ts';
import { extractNewText } from '../../../../functions/core/inbound/reply-text.ts';

/*
 * Reply shapes per client family, written from the formats the clients produce. Where they come from:
 * - Gmail / Android Gmail: "On …, Name <addr> wrote:" wrapped at ~80 columns (github/email_reply_parser
 *   README "Quoted Headers"); localised Gmail: ru "… пользователь … написал:", de "Am … schrieb …:".
 * - Outlook desktop / web / Windows Mail: a rule of underscores (or <hr>), then "From:/Sent:/To:/Subject:"
 *   (github/email_reply_parser README "Strange Quoting"), localised as de "Von:/Gesendet:/An:"
 *   (fiedl/extended_email_reply_parser i18n_de.rb), fr "De :/Envoyé :/À :/Objet :", es
 *   "De:/Enviado:/Para:/Asunto:", ru "От:/Отправлено:/Кому:/Тема:" (a ru-RU Outlook reply in
 *   FaetterP/mailgun-send-receive messages.js), it/nl/pt (alfonsrv/mail-parser-reply language tables).
 * - Thunderbird: "On 30/11/2026 09:00, Name wrote:", bottom-posting by default
 *   (mail.identity.default.reply_on_top = 0), format=flowed text; "-------- Original Message --------"
 *   as localised in Thunderbird's composeMsgs.properties (mailnews.reply_header_originalmessage).
 * - Apple Mail / iOS: "On 30 Nov 2026, at 09:00, Name <addr> wrote:" and "Sent from my iPhone".
 * - Yahoo: "On Monday, 30 November 2026, 09:00:00 GMT, Name <addr> wrote:".
 */

const fixture = (name: string) => readFileSync(`test/fixtures/inbound/${name}`);
const NEW = 'Could you hold the blue vinyl until Friday?';

describe('the new text of a reply, per client family', () => {
  it.each([
    [
      'Gmail (en, wrapped attribution)',
      `${NEW}\n\nOn Mon, 30 Nov 2026 at 09:00, Northwind Records <\ncare@northwind.example> wrote:\n\n> Hello Asha`,
    ],
    [
      'Gmail (de)',
      `${NEW}\n\nAm Mo., 30. Nov. 2026 um 09:00 Uhr schrieb Northwind Records <\ncare@northwind.example>:\n\n> Hallo`,
    ],
    [
      'Gmail (ru, no verb)',
      `${NEW}\n\nпн, 30 нояб. 2026 г. в 09:00, Northwind Records <care@northwind.example>:\n\n> Здравствуйте`,
    ],
    [
      'Gmail (ru, пользователь … написал)',
      `${NEW}\n\n30 ноября 2026 г., 9:00 пользователь Northwind Records <care@northwind.example> написал:\n> Здравствуйте`,
    ],
    [
      'Android Gmail (es)',
      `${NEW}\n\nEl lun, 30 nov 2026, 9:00, Northwind Records <care@northwind.example> escribió:\n\n> Hola`,
    ],
    [
      'Apple Mail / iOS (en, device footer)',
      `${NEW}\n\nSent from my iPhone\n\n> On 30 Nov 2026, at 09:00, Northwind Records <care@northwind.example> wrote:\n>\n> Hello`,
    ],
    [
      'iOS (fr)',
      `${NEW}\n\nEnvoyé de mon iPhone\n\n> Le 30 nov. 2026 à 09:00, Northwind Records <care@northwind.example> a écrit :\n>\n> Bonjour`,
    ],
    [
      'Yahoo (en)',
      `${NEW}\n\n    On Monday, 30 November 2026, 09:00:00 GMT, Northwind Records <care@northwind.example> wrote:\n\n> Hello Asha`,
    ],
    ['Thunderbird (pt)', `${NEW}\n\nEm 30/11/2026 09:00, Northwind Records escreveu:\n> Olá`],
    ['Thunderbird (it)', `${NEW}\n\nIl 30/11/2026 09:00, Northwind Records ha scritto:\n> Ciao`],
    ['Thunderbird (nl)', `${NEW}\n\nOp 30-11-2026 om 09:00 schreef Northwind Records:\n> Hallo`],
    ['Thunderbird (ru)', `${NEW}\n\n30.11.2026 09:00, Northwind Records пишет:\n> Здравствуйте`],
    [
      'Thunderbird (de, original message rule)',
      `${NEW}\n\n-------- Ursprüngliche Nachricht --------\nBetreff: Hallo\nDatum: 30.11.2026 09:00\nVon: Northwind Records`,
    ],
    [
      'Outlook desktop (en)',
      `${NEW}\n\n________________________________\nFrom: Northwind Records <care@northwind.example>\nSent: Monday, November 30, 2026 9:00 AM\nTo: Asha Patel\nSubject: Asha, it has been a while\n\nHello Asha`,
    ],
    [
      'Outlook desktop (de)',
      `${NEW}\n\nVon: Northwind Records <care@northwind.example>\nGesendet: Montag, 30. November 2026 09:00\nAn: Asha Patel\nBetreff: Hallo\n\nHallo Asha`,
    ],
    [
      'Outlook web (fr)',
      `${NEW}\n\nDe : Northwind Records <care@northwind.example>\nEnvoyé : lundi 30 novembre 2026 09:00\nÀ : Asha Patel\nObjet : Bonjour\n\nBonjour Asha`,
    ],
    [
      'Outlook (es)',
      `${NEW}\n\nDe: Northwind Records <care@northwind.example>\nEnviado: lunes, 30 de noviembre de 2026 9:00\nPara: Asha Patel\nAsunto: Hola\n\nHola Asha`,
    ],
    [
      'Outlook (ru)',
      `${NEW}\n\nОт: Northwind Records <care@northwind.example>\nОтправлено: 30 ноября 2026 г. 9:00\nКому: Asha Patel\nТема: Здравствуйте\n\nЗдравствуйте`,
    ],
    [
      'Outlook (hi)',
      `${NEW}\n\nप्रेषक: Northwind Records <care@northwind.example>\nभेजा गया: 30 नवंबर 2026 09:00\nप्रति: Asha Patel\nविषय: नमस्ते\n\nनमस्ते`,
    ],
    [
      'Windows Mail (en)',
      `${NEW}\n\nSent from Mail for Windows\n\nFrom: Northwind Records\nSent: 30 November 2026 09:00\nTo: asha@example.com\nSubject: Hello\n\nHello Asha`,
    ],
  ])('%s', (_client, body) => {
    expect(extractNewText(body)).toBe(NEW);
  });

  it('keeps the answer of a bottom-posted reply, and inline answers between quotes', () => {
    expect(
      extractNewText(
        `On 30/11/2026 09:00, Northwind Records wrote:\n> Shall we keep one aside?\n\n${NEW}\n\n> Best\n\nThanks\n-- \nAsha`,
      ),
    ).toBe(`${NEW}\n\nThanks`);
  });

  it('does not take the original below an unquoted Outlook header block for an answer', () => {
    expect(
      extractNewText(
        'From: Northwind\nSent: Monday\nTo: Asha\nSubject: Hello\n\nHello Asha, it has been a while.',
      ),
    ).toBe('');
  });

  it('keeps lines that merely mention a colon or a date', () => {
    const text = 'Order 1234: arrived 30.11.2026 at 9:00.\nFrom: my phone, sorry for typos';
    expect(extractNewText(text)).toBe(text);
  });
});

describe('real-format messages through the parser', () => {
  it('Thunderbird bottom-posted, format=flowed: the answer after the quote, first line intact', async () => {
    const parsed = await parseReply(fixture('thunderbird-bottom-posted-flowed.eml'));
    expect(extractNewText(parsed.body)).toBe(
      'Thanks for thinking of me. Could you hold the blue vinyl until Friday? I will order then.\n\nAsha',
    );
  });

  it('Outlook (ru, koi8-r): cuts the От:/Отправлено:/Кому: block', async () => {
    const parsed = await parseReply(fixture('outlook-ru-koi8r.eml'));
    expect(extractNewText(parsed.body)).toBe(
      'Здравствуйте! Пластинка пришла с трещиной, прошу заменить.\n\nС уважением,\nИван',
    );
  });

  it('Gmail (ru): cuts the wrapped "… пользователь … написал:" attribution', async () => {
    const parsed = await parseReply(fixture('gmail-ru-wrapped-attribution.eml'));
    expect(extractNewText(parsed.body)).toBe('Да, пришлите, пожалуйста, каталог.');
  });

  it('Hotmail HTML-only with an <?xml …?> declaration and DOCTYPE gives clean text', async () => {
    const parsed = await parseReply(fixture('hotmail-html-only-xml-declaration.eml'));
    expect(extractNewText(parsed.body)).toBe('Yes please, put me down for the reissue.');
  });
});
