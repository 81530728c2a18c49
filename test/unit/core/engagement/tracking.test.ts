import { readFileSync } from 'node:fs';
import { beforeAll, describe, expect, it } from 'vitest';
import { compileTemplates } from '../../../../functions/build/compile-templates.ts';
import { EngagementConfigSchema } from '../../../../functions/core/config/engagement.ts';
import { SequenceSchema } from '../../../../functions/core/config/sequences.ts';
import { counterEffect } from '../../../../functions/core/domain/counters.ts';
import type { CustomerView } from '../../../../functions/core/domain/customer-view.ts';
import type { EngagementEvent } from '../../../../functions/core/domain/engagement-event.ts';
import { signLink } from '../../../../functions/core/domain/links.ts';
import {
  isContentClick,
  isUnsubscribeLink,
  trackingFor,
  untrackedConditions,
} from '../../../../functions/core/domain/tracking.ts';
import { parseSesEvent } from '../../../../functions/core/engagement/ses-event.ts';
import type { TemplateCatalog } from '../../../../functions/core/rendering/compiled-template.ts';
import { composeEmail } from '../../../../functions/core/rendering/compose-email.ts';
import { conditionHolds } from '../../../../functions/core/sequences/conditions.ts';
import { links, loadConfig, message, view } from '../rendering/fixtures.ts';

const claims = {
  customerId: 'lapsed-1',
  enrolmentId: 'gentle-winback-20261123-1a2b3c4d',
  stepIndex: 0,
} as const;
const unsubscribeToken = signLink({ ...claims, purpose: 'unsubscribe' }, 'test-key');
const replyToken = signLink({ ...claims, purpose: 'reply' }, 'test-key');
/** The endpoint as a Function URL, on the shop's own domain, and locally: the same token on each. */
const unsubscribeUrls = [
  `https://abcdefghij0123456789abcdefghij01.lambda-url.eu-west-1.on.aws/?t=${unsubscribeToken}`,
  `https://unsubscribe.northwind.example/?t=${unsubscribeToken}`,
  `http://127.0.0.1/unsubscribe?t=${unsubscribeToken}`,
];

/** The documented Click record (test/fixtures/ses-events/click.json) with another link and link tags. */
function clickEvent(link: string, linkTags?: Record<string, string[]>): EngagementEvent {
  const envelope = JSON.parse(readFileSync('test/fixtures/ses-events/click.json', 'utf8'));
  envelope.detail.click.link = link;
  if (linkTags !== undefined) envelope.detail.click.linkTags = linkTags;
  const result = parseSesEvent(envelope, { machineOpenMs: 10_000 });
  if (!result.ok) throw new Error(result.reason);
  return result.parsed.event;
}

const sequence = SequenceSchema.parse({
  id: 'gentle-winback',
  steps: [
    { id: 'check-in', template: 'checking-in', delay: '0d' },
    { id: 'what-we-fixed', template: 'we-fixed-it', delay: '4d' },
    { id: 'last-note', template: 'last-note', delay: '7d', when: { step: 'check-in', clicked: false } },
  ],
});

function viewWith(engagement: EngagementEvent[]): CustomerView {
  return {
    customer: {
      customerId: 'lapsed-1',
      email: 'asha@example.com',
      firstName: 'Asha',
      locale: 'en',
      consent: 'granted',
    },
    orders: [],
    enrolments: [],
    sends: [],
    incidents: [],
    engagement,
    status: {},
  };
}

const lastNoteGoesOut = (engagement: EngagementEvent[]) =>
  conditionHolds(
    { step: 'check-in', clicked: false },
    {
      view: viewWith(engagement),
      enrolment: { enrolmentId: claims.enrolmentId, enrolledAt: 0 },
      sequence,
      stepIndex: 2,
    },
  );

describe('tracking choices', () => {
  it('tracks clicks and not opens unless the config says otherwise', () => {
    expect(EngagementConfigSchema.parse({}).tracking).toEqual({ opens: false, clicks: true });
  });

  it("takes each field from the sequence's own choice, else from engagement.tracking", () => {
    const engagement = EngagementConfigSchema.parse({ tracking: { opens: true } });
    expect(trackingFor(undefined, engagement)).toEqual({ opens: true, clicks: true });
    expect(trackingFor({ tracking: { clicks: false } }, engagement)).toEqual({ opens: true, clicks: false });
    expect(trackingFor({ tracking: { opens: false, clicks: false } }, engagement)).toEqual({
      opens: false,
      clicks: false,
    });
  });

  it('names every step condition on clicks or opens its sequence does not track', () => {
    const engagement = EngagementConfigSchema.parse({});
    const untracked = { ...sequence, tracking: { clicks: false } };
    const opened = SequenceSchema.parse({
      id: 'opened',
      steps: [
        { id: 'a', template: 'checking-in', delay: '0d' },
        { id: 'b', template: 'last-note', delay: '7d', when: { opened: false } },
      ],
    });
    expect(untrackedConditions({ sequences: [sequence], engagement })).toEqual([]);
    expect(untrackedConditions({ sequences: [untracked, opened], engagement })).toEqual([
      {
        sequenceIndex: 0,
        stepIndex: 2,
        message: expect.stringMatching(/^step "last-note" depends on `clicked`.*tracking\.clicks: true/),
      },
      {
        sequenceIndex: 1,
        stepIndex: 1,
        message: expect.stringMatching(
          /^step "b" depends on `opened`, but sequence "opened" does not track opens/,
        ),
      },
    ]);
  });
});

describe('clicks on the unsubscribe link', () => {
  it('recognises the unsubscribe link by its token on every host the endpoint has had', () => {
    for (const url of unsubscribeUrls) expect(isUnsubscribeLink(url)).toBe(true);
    expect(isUnsubscribeLink('https://northwind.example/records?utm_source=rekindle')).toBe(false);
    expect(isUnsubscribeLink(`https://northwind.example/?t=${replyToken}`)).toBe(false);
    expect(isUnsubscribeLink('https://northwind.example/?t=not-a-token')).toBe(false);
    expect(isUnsubscribeLink('not a url')).toBe(false);
  });

  it('keeps the link tags SES reports, and tells content clicks from unsubscribe clicks', () => {
    const content = clickEvent('https://northwind.example/records?utm_source=rekindle');
    expect(content.detail).toEqual({ link: 'https://northwind.example/records?utm_source=rekindle' });
    expect(isContentClick(content)).toBe(true);
    for (const url of unsubscribeUrls) expect(isContentClick(clickEvent(url))).toBe(false);
    const tagged = clickEvent('https://northwind.example/preferences', { kind: ['unsubscribe'] });
    expect(tagged.detail).toMatchObject({ linkKind: 'unsubscribe' });
    expect(isContentClick(tagged)).toBe(false);
  });

  it('does not stop the last note: only a click on the content means they heard us', () => {
    expect(lastNoteGoesOut([])).toBe(true);
    expect(lastNoteGoesOut(unsubscribeUrls.map((url) => clickEvent(url)))).toBe(true);
    expect(lastNoteGoesOut([clickEvent('https://northwind.example/records')])).toBe(false);
  });

  it('counts as no click in the report', () => {
    expect(counterEffect(clickEvent(unsubscribeUrls[0] ?? ''))).toEqual({ always: [] });
    expect(counterEffect(clickEvent('https://northwind.example/records'))).toEqual({
      always: ['clicks'],
      first: { marker: 'clickedAt', counters: ['clicked'] },
    });
  });
});

describe('composeEmail', () => {
  let templates: TemplateCatalog;
  beforeAll(async () => {
    // The shipped templates' only link is the unsubscribe link: give them one to click, as a shop
    // linking to its site would (without one, clicks are off whatever is configured; see
    // test/unit/core/rendering/tracked-links.test.ts).
    const compiled = await compileTemplates('templates');
    templates = Object.fromEntries(
      Object.entries(compiled).map(([key, template]) => [
        key,
        {
          ...template,
          html: template.html.replace(
            '<a ses:no-track',
            '<a href="https://northwind.example/">Visit us</a> <a ses:no-track',
          ),
        },
      ]),
    );
  }, 60_000);

  it("asks SES for the sequence's tracking and gives the footer the same", async () => {
    const base = loadConfig();
    const step = { id: 'check-in', template: 'checking-in', delay: 0, promotional: false };
    const compose = async (tracking: { opens?: boolean; clicks?: boolean } | undefined) => {
      const config = {
        ...base,
        sequences: base.sequences.map((candidate) =>
          candidate.id === message.sequenceId ? { ...candidate, tracking } : candidate,
        ),
      };
      return composeEmail({ view: view(), message, step, config, templates, links });
    };
    expect((await compose(undefined)).tracking).toEqual({ opens: false, clicks: true });
    const untracked = await compose({ clicks: false });
    expect(untracked.tracking).toEqual({ opens: false, clicks: false });
    const both = await compose({ opens: true });
    expect(both.tracking).toEqual({ opens: true, clicks: true });
    // The footer discloses what is tracked, so the two emails differ there.
    expect(both.text).not.toEqual(untracked.text);
  });
});
