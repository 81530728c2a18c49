import { Logger } from '@aws-lambda-powertools/logger';
import { makeHandler } from '../../functions/handlers/unsubscribe.ts';
import { VirtualClock } from '../../functions/local/virtual-clock.ts';
import { MemoryContactStatusStore } from './memory-contact-status-store.ts';
import { MemoryEngagementLedger } from './memory-engagement-ledger.ts';
import { MemoryEnrolmentStore } from './memory-enrolment-store.ts';
import { MemoryForgotten } from './memory-forgotten.ts';
import { sampleView } from './sample-view.ts';

/** The key and the enrolment the unsubscribe tests' links are signed with and point at. */
export const unsubscribeKey = 'unsubscribe-key';
export const unsubscribeEnrolmentId = 'gentle-winback-20261123-1a2b3c4d';

/** The unsubscribe handler over fresh in-memory stores, for customer `lapsed-1`, at 2026-12-01 10:00 UTC. */
export function unsubscribeSetup(shopName = 'Northwind') {
  const ledger = new MemoryEngagementLedger();
  const contacts = new MemoryContactStatusStore();
  const forgotten = new MemoryForgotten();
  const handle = makeHandler({
    ledger,
    contacts,
    enrolments: new MemoryEnrolmentStore(),
    customers: {
      getCustomerView: async (id) => (id === 'lapsed-1' ? sampleView(id, unsubscribeEnrolmentId) : undefined),
    },
    clock: new VirtualClock(Date.parse('2026-12-01T10:00:00Z')),
    signingKey: unsubscribeKey,
    shopName,
    config: { pauseFor: 90 * 86_400_000 },
    forgotten,
    logger: new Logger({ logLevel: 'SILENT' }),
  });
  return { ledger, contacts, handle, forgotten };
}
