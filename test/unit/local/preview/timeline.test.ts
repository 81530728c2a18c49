import { describe, expect, it } from 'vitest';
import type { RekindleConfig } from '../../../../functions/core/config/schema.ts';
import type { TimelineEntry } from '../../../../functions/core/planning/simulate-plan.ts';
import { previewSamples, sampleShop } from '../../../../functions/local/preview/samples.ts';
import {
  TimelineCache,
  timelineFor,
  waitedForCustomers,
} from '../../../../functions/local/preview/timeline.ts';
import { loadConfig } from '../../core/rendering/fixtures.ts';

const config = loadConfig();
const asha = previewSamples[0];
if (asha === undefined) throw new Error('no sample customer');

/** A plan that resolves with the given timelines, or never. */
class FixedPlan extends TimelineCache {
  constructor(
    readonly result: Promise<{ start: number; timelines: ReadonlyMap<string, readonly TimelineEntry[]> }>,
  ) {
    super({ shop: sampleShop, days: 30, now: () => 0 });
  }
  override planned(_config: RekindleConfig, _text: string) {
    return this.result;
  }
}

const start = Date.parse('2025-11-24T00:00:00.000Z');

describe("a customer's timeline in the preview", () => {
  it('lists what the plan does to them in their own zone, with the template of each email sent', async () => {
    const entries: TimelineEntry[] = [
      { at: start + 3_600_000, kind: 'enrolled', segmentId: 'had-a-problem', sequenceId: 'make-it-right' },
      {
        at: start + 7_200_000,
        kind: 'sent',
        segmentId: 'had-a-problem',
        sequenceId: 'make-it-right',
        stepIndex: 0,
        stepId: 'apology',
        template: 'apology',
      },
    ];
    const cache = new FixedPlan(
      Promise.resolve({ start, timelines: new Map([[asha.view.customer.customerId, entries]]) }),
    );

    const timeline = await timelineFor(cache, { config, text: 'x' }, asha, 3);

    expect(timeline).toEqual({
      timeZone: 'Asia/Kolkata',
      from: 'Mon 24 Nov 2025 05:30',
      days: 30,
      entries: [
        {
          when: 'Mon 24 Nov 2025 06:30',
          kind: 'enrolled',
          what: 'enrolled in make-it-right (segment had-a-problem)',
        },
        {
          when: 'Mon 24 Nov 2025 07:30',
          kind: 'sent',
          what: 'sends step 1 apology (template apology)',
          template: 'apology',
        },
      ],
    });
  });

  it('says a large shop’s plan still runs instead of holding the page', async () => {
    const cache = new FixedPlan(new Promise(() => undefined));

    const timeline = await timelineFor(cache, { config, text: 'x' }, asha, waitedForCustomers + 1);

    expect(timeline).toEqual({
      pending: 'The plan of 2,001 customers over 30 days is still running: refresh in a moment.',
    });
  });
});

describe('the preview plan in a worker thread', () => {
  it('gives the same timelines as the plan on the server’s own thread', async () => {
    const options = { shop: sampleShop, days: 30, start: '2025-11-24', now: () => 0 };
    const here = new TimelineCache({ ...options, inWorker: false });
    const worker = new TimelineCache({ ...options, inWorker: true });
    try {
      const [mine, theirs] = await Promise.all([here.planned(config, 'x'), worker.planned(config, 'x')]);

      expect(theirs.start).toBe(mine.start);
      expect([...theirs.timelines]).toEqual([...mine.timelines]);
      expect(mine.timelines.size).toBeGreaterThan(0);
    } finally {
      await worker.close();
    }
  }, 60_000);
});
