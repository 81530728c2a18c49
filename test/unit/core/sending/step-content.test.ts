import { describe, expect, it } from 'vitest';
import { StepSchema } from '../../../../functions/core/config/sequences.ts';
import { stepContent } from '../../../../functions/core/sending/step-content.ts';
import { incident, loadConfig, message, view } from '../rendering/fixtures.ts';

/** The "never empty-handed" rule: a step about content a customer lacks is skipped or replaced. */
describe('stepContent', () => {
  const config = loadConfig();
  const fixes = StepSchema.parse({ id: 'fixed', template: 'we-fixed-it', delay: '4d', requires: 'updates' });
  const late = incident({ kind: 'late', occurredAt: '2025-11-14T10:00:00.000Z' });

  it('sends the step’s template when the customer has an update they have not seen', () => {
    expect(stepContent(fixes, view({ incidents: [late] }), config, message.enrolmentId)).toEqual({
      kind: 'send',
      template: 'we-fixed-it',
    });
  });

  it('skips, saying why, when no update is relevant to this customer', () => {
    // No incident, and the general updates predate nothing: the feed has nothing for them.
    expect(stepContent(fixes, view(), config, message.enrolmentId)).toEqual({
      kind: 'skip',
      reason: 'requires updates: no update relevant to this customer that they have not seen',
    });
  });

  it('skips once every relevant update was shown by an earlier email', () => {
    const seen = view({
      incidents: [late],
      sends: [
        {
          enrolmentId: 'earlier',
          stepIndex: 1,
          customerId: 'c1',
          sequenceId: 'gentle-winback',
          stepId: 'fixed',
          state: 'sent',
          claimedAt: 1,
          updateIds: ['new-courier'],
        },
      ],
    });
    expect(stepContent(fixes, seen, config, message.enrolmentId).kind).toBe('skip');
  });

  it('sends the declared alternative instead, when there is one', () => {
    const withAlternative = StepSchema.parse({
      id: 'fixed',
      template: 'we-fixed-it',
      delay: '4d',
      requires: ['updates'],
      otherwise: { template: 'checking-in' },
    });
    expect(stepContent(withAlternative, view(), config, message.enrolmentId)).toMatchObject({
      kind: 'send',
      template: 'checking-in',
    });
  });

  it('requires the incident the segment matched, not just any incident', () => {
    const apology = StepSchema.parse({ id: 'sorry', template: 'apology', delay: '0d', requires: 'incident' });
    expect(stepContent(apology, view({ incidents: [late] }), config, message.enrolmentId).kind).toBe('send');
    // The customer had an incident, but this enrolment was not made for it.
    expect(
      stepContent(apology, view({ incidents: [late], matched: null }), config, message.enrolmentId),
    ).toMatchObject({ kind: 'skip', reason: expect.stringContaining('requires incident') });
  });

  it('has no requirement unless the step declares one', () => {
    const plain = StepSchema.parse({ id: 'fixed', template: 'we-fixed-it', delay: '4d' });
    expect(stepContent(plain, view(), config, message.enrolmentId).kind).toBe('send');
  });
});
