import { describe, expect, it } from 'vitest';
import { parseConfig } from '../../../../functions/core/config/load.ts';
import { lintConfig, lintWording } from '../../../../functions/core/sequences/lint.ts';

describe('lintWording', () => {
  it('warns on shouting and pushy phrases, with file, line and column', () => {
    const text =
      '---\nsubject: "LAST CHANCE to save!!!"\n---\n<mj-text>Act now, {{ customer.firstName }}</mj-text>\n';
    const warnings = lintWording([{ file: 'templates/x/en.mjml', text }]);
    expect(warnings).toEqual(
      expect.arrayContaining([
        expect.objectContaining({
          file: 'templates/x/en.mjml',
          line: 2,
          message: expect.stringContaining('last chance'),
        }),
        expect.objectContaining({ line: 2, column: 11, message: expect.stringContaining('LAST') }),
        expect.objectContaining({ line: 2, message: expect.stringContaining('!!') }),
        expect.objectContaining({ line: 4, column: 10, message: expect.stringContaining('act now') }),
      ]),
    );
  });

  it('ignores markup, Liquid, acronyms and calm wording', () => {
    const text = '<mj-section css-class="HEADER">\n<mj-text>Your VAT receipt, {{ SHOP.NAME }}</mj-text>\n';
    expect(lintWording([{ file: 'a.mjml', text }])).toEqual([]);
  });
});

describe('lintConfig', () => {
  it('warns where a step depends on opens', () => {
    const text = [
      'shop: { name: S, postalAddress: A }',
      'sender: { from: S <a@s.example>, unsubscribeMailto: u@s.example }',
      'segments: [{ id: all, when: {}, sequence: seq }]',
      'sequences:',
      '  - id: seq',
      '    steps:',
      '      - { id: one, template: t, delay: 0d }',
      '      - id: two',
      '        template: t',
      '        delay: 2d',
      '        when:',
      '          opened: false',
    ].join('\n');
    const parsed = parseConfig(text, 'c.yaml');
    if (!parsed.ok) throw new Error(JSON.stringify(parsed.issues));
    expect(lintConfig(parsed.config, { file: 'c.yaml', text })).toEqual([
      expect.objectContaining({
        file: 'c.yaml',
        line: 12,
        message: expect.stringContaining('Apple Mail Privacy Protection'),
      }),
    ]);
  });
});
