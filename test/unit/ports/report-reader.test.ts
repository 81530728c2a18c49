import { describe } from 'vitest';
import { reportReaderContract } from '../../support/contracts/report-reader-contract.ts';
import { MemoryCustomerStore } from '../../support/memory-customer-store.ts';
import { MemoryEngagementLedger } from '../../support/memory-engagement-ledger.ts';
import { MemoryEnrolmentStore } from '../../support/memory-enrolment-store.ts';
import { MemoryReportReader } from '../../support/memory-report-reader.ts';

describe('the in-memory ReportReader keeps the port’s promises', () => {
  const enrolments = new MemoryEnrolmentStore();
  const customers = new MemoryCustomerStore(enrolments);
  const ledger = new MemoryEngagementLedger();
  const reader = new MemoryReportReader({ enrolments, customers, ledger });
  reportReaderContract(
    () => ({ reader, enrolments, customers, ledger }),
    (name) => `memory-${name}`,
  );
});
