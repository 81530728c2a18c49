import { describe } from 'vitest';
import { segmentationStoreContract } from '../../support/contracts/segmentation-store-contract.ts';
import { MemorySegmentationStore } from '../../support/memory-segmentation-store.ts';

describe('the in-memory SegmentationStore keeps the port’s promises to the segmenter', () => {
  const store = new MemorySegmentationStore();
  segmentationStoreContract(
    () => ({
      store,
      enrolments: store,
      addCustomer: async (imported) => void store.records.push({ ...imported, assignments: [] }),
    }),
    (name) => `memory-${name}`,
  );
});
