import { describe, expect, it } from 'vitest';
import { zeroCounters } from '../../../../functions/core/domain/counters.ts';
import { ratesOf } from '../../../../functions/core/reporting/rates.ts';
import { describeYield } from '../../../../functions/core/reporting/render-report.ts';

describe('the rates a marketer compares', () => {
  it('takes delivery and bounces of what was sent, the rest of what was delivered, machine opens apart', () => {
    const counters = {
      ...zeroCounters(),
      sent: 200,
      delivered: 190,
      bounced: 10,
      opened: 57,
      machineOpened: 40,
      clicked: 19,
      replied: 4,
      unsubscribed: 2,
      complained: 1,
    };
    expect(ratesOf(counters)).toEqual({
      delivered: 0.95,
      bounced: 0.05,
      opened: 0.3,
      machineOpened: 40 / 190,
      clicked: 0.1,
      replied: 4 / 190,
      unsubscribed: 2 / 190,
      complained: 1 / 190,
    });
  });

  it('has no rate where nothing was sent or delivered, rather than a 0 that looks like a result', () => {
    expect(ratesOf(zeroCounters())).toEqual({});
    expect(ratesOf({ ...zeroCounters(), sent: 5 })).toEqual({ delivered: 0, bounced: 0 });
  });

  it('says how many customers came back per email sent', () => {
    expect(describeYield({ returned: 6, totals: { ...zeroCounters(), sent: 240 } })).toBe(
      'won back: 6 customers for 240 emails sent (2.5 per 100 emails)',
    );
    expect(describeYield({ returned: 0, totals: zeroCounters() })).toBe('won back: nothing sent yet');
    expect(describeYield({ returned: 1, totals: { ...zeroCounters(), sent: 1 } })).toBe(
      'won back: 1 customer for 1 email sent (100.0 per 100 emails)',
    );
  });
});
