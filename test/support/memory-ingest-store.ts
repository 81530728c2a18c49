import type { Incident } from '../../functions/core/customers/model.ts';
import type { SegmentationStore } from '../../functions/ports/segmentation-store.ts';
import { MemorySink } from './memory-import-sink.ts';

/**
 * What ingest-event writes, in memory: the import's puts and live incidents, where an unresolved
 * version never overwrites a resolved one (as the DynamoDB store's condition keeps it).
 */
export class MemoryIngestStore extends MemorySink implements Pick<SegmentationStore, 'recordIncident'> {
  async recordIncident(incident: Incident): Promise<'written' | 'kept-resolved'> {
    const key = `${incident.customerId}#${incident.incidentId}`;
    if (incident.resolvedAt === undefined && this.incidents.get(key)?.resolvedAt !== undefined)
      return 'kept-resolved';
    this.incidents.set(key, incident);
    return 'written';
  }
}
