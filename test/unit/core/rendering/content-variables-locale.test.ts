import { describe, expect, it } from 'vitest';
import type { RekindleConfig } from '../../../../functions/core/config/schema.ts';
import {
  buildTemplateVariables,
  formatDate,
  formattingLocale,
  localize,
  localizedResolution,
} from '../../../../functions/core/rendering/content-variables.ts';
import { incident, loadConfig, view } from './fixtures.ts';

/** The repository's config as a UK shop writes it: English with the British region. */
function ukShop(): RekindleConfig {
  const config = loadConfig();
  return { ...config, shop: { ...config.shop, defaultLocale: 'en-GB' } };
}

const at = '2025-10-06T12:00:00.000Z';
const inLocale = (locale: string) => formatDate(at, locale, 'UTC');

describe('formatDate', () => {
  it('writes each region the way its readers write dates', () => {
    expect(inLocale('en-GB')).toBe('6 October 2025');
    expect(inLocale('en-US')).toBe('October 6, 2025');
    expect(inLocale('hi-IN')).toBe('6 अक्टूबर 2025');
  });

  it('writes a Sinhala date year first, in Sinhala script, with the day in digits', () => {
    // CLDR changed the Sinhala month names (ඔක්තෝබර් → වප්) in version 48: only the shape is stable.
    expect(inLocale('si-LK')).toMatch(/^2025 [\p{Script=Sinhala}\u200d]+ 6$/u);
  });
});

describe('formattingLocale', () => {
  it("uses the customer's region when the email is in their language", () => {
    expect(formattingLocale('en', 'en-US', 'en-GB')).toBe('en-US');
    expect(formattingLocale('hi', 'hi-IN', 'en-GB')).toBe('hi-IN');
    expect(formattingLocale('si', 'si-LK', 'en')).toBe('si-LK');
  });

  it("gives a bare language the shop's region when they share the language", () => {
    expect(formattingLocale('en', 'en', 'en-GB')).toBe('en-GB');
    expect(formattingLocale('en', 'en', 'en')).toBe('en');
    expect(formattingLocale('hi', 'hi', 'en-GB')).toBe('hi');
  });

  it("writes an email sent in the default language (no template in theirs) the shop's way", () => {
    expect(formattingLocale('en', 'ta', 'en-GB')).toBe('en-GB');
    expect(formattingLocale('en', 'ta-LK', 'en-GB')).toBe('en-GB');
    // Never a Hindi date in an English email, whatever the shop's default.
    expect(formattingLocale('en', 'ta', 'hi-IN')).toBe('en');
  });

  it('reads tags in any case and ignores one Intl cannot use', () => {
    expect(formattingLocale('en', 'en-gb', 'en')).toBe('en-GB');
    expect(formattingLocale('en', 'en-a1', 'en-GB')).toBe('en-GB');
  });
});

describe('localize', () => {
  it("falls back to the default locale's base language, never to an arbitrary one first", () => {
    const text = { hi: 'नमस्ते', en: 'Hello' };
    expect(localize(text, 'ta', 'en-GB')).toBe('Hello');
    expect(localize(text, 'hi-IN', 'en-GB')).toBe('नमस्ते');
    expect(localize({ 'en-GB': 'Colour', en: 'Color' }, 'en-GB', 'en')).toBe('Colour');
  });
});

describe('localizedResolution', () => {
  const note = {
    resolution: 'We sent a replacement.',
    resolutions: {
      hi: 'हमने दूसरा रिकॉर्ड भेजा।',
      'si-LK': 'අපි වෙනත් තැටියක් එව්වා.',
      'en-US': 'We shipped a replacement.',
    },
  };

  it('takes the text for the exact locale, then for its base language', () => {
    expect(localizedResolution(note, 'si-LK', 'en-GB')).toBe('අපි වෙනත් තැටියක් එව්වා.');
    expect(localizedResolution(note, 'hi-IN', 'en-GB')).toBe('हमने दूसरा रिकॉर्ड भेजा।');
    expect(localizedResolution(note, 'en-US', 'en-GB')).toBe('We shipped a replacement.');
  });

  it("takes `resolution` in the shop's default language", () => {
    expect(localizedResolution(note, 'en-GB', 'en-GB')).toBe('We sent a replacement.');
    expect(localizedResolution(note, 'en', 'en-GB')).toBe('We sent a replacement.');
  });

  it('takes another region of the same language before giving up', () => {
    expect(localizedResolution(note, 'si', 'en-GB')).toBe('අපි වෙනත් තැටියක් එව්වා.');
  });

  it('is null in a language with no text, so the template words it itself', () => {
    expect(localizedResolution(note, 'gu', 'en-GB')).toBeNull();
    expect(localizedResolution({ resolution: 'We sent a replacement.' }, 'hi', 'en')).toBeNull();
    expect(localizedResolution({ resolution: '' }, 'en', 'en')).toBeNull();
    expect(localizedResolution({}, 'en', 'en')).toBeNull();
  });
});

describe('buildTemplateVariables in a UK shop', () => {
  const resolvedIncident = incident({
    kind: 'damaged',
    occurredAt: '2025-10-06T10:00:00.000Z',
    resolvedAt: '2025-10-09T10:00:00.000Z',
    resolution: 'We sent a replacement.',
    resolutions: { hi: 'हमने दूसरा रिकॉर्ड भेजा।' },
  });
  const variablesFor = (customerLocale: string, emailLocale: string) => {
    const input = {
      view: view({ locale: customerLocale, incidents: [resolvedIncident] }),
      config: ukShop(),
      locale: emailLocale,
      unsubscribeUrl: 'https://shop.example/u',
      enrolmentId: 'e1',
    };
    return buildTemplateVariables(input).variables;
  };

  it('writes a bare "en" customer\'s dates the British way', () => {
    const variables = variablesFor('en', 'en');
    expect(variables.incidents[0]).toMatchObject({
      date: '6 October 2025',
      resolvedOn: '9 October 2025',
      resolution: 'We sent a replacement.',
    });
    expect(variables.lastOrder?.date).toBe('1 October 2025');
  });

  it("writes a US customer's dates their way, in the same English email", () => {
    expect(variablesFor('en-US', 'en').incidents[0]?.date).toBe('October 6, 2025');
  });

  it('writes an Indian customer in Hindi with the Hindi note', () => {
    const variables = variablesFor('hi-IN', 'hi');
    expect(variables.incidents[0]?.date).toBe('6 अक्टूबर 2025');
    expect(variables.incidents[0]?.resolution).toBe('हमने दूसरा रिकॉर्ड भेजा।');
  });

  it('leaves the note out of a Sinhala email rather than quote it in English', () => {
    const variables = variablesFor('si-LK', 'si');
    expect(variables.incidents[0]?.resolution).toBeNull();
    expect(variables.incidents[0]?.date).toMatch(/^2025 /);
  });

  it("writes a customer whose language has no template in the shop's English, British dates", () => {
    const variables = variablesFor('ta', 'en');
    expect(variables.incidents[0]).toMatchObject({
      date: '6 October 2025',
      resolution: 'We sent a replacement.',
    });
    expect(variables.updates.every((update) => /^[\x20-\x7e]+$/.test(update.title))).toBe(true);
  });
});
