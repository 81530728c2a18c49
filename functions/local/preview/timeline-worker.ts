import { parentPort, workerData } from 'node:worker_threads';
import { seededRandom } from '../../core/model/simulate.ts';
import { planningModel } from '../../core/planning/planning-model.ts';
import { simulatePlan } from '../../core/planning/simulate-plan.ts';
import type { PreviewShop } from './samples.ts';
import type { TimelineReply, TimelineRequest } from './timeline.ts';

// The preview's plan in a thread of its own, so a large shop's plan does not hold the server's
// pages: the shop comes once with the worker, each config's plan as a request.
const port = parentPort;
if (port === null) throw new Error('timeline-worker.ts runs as a worker thread only');
const shop = workerData as PreviewShop;

port.on('message', (request: TimelineRequest) => {
  simulatePlan({
    config: request.config,
    data: shop,
    start: request.start,
    days: request.days,
    model: planningModel,
    random: seededRandom(1),
    examples: 0,
  }).then(
    (plan) => port.postMessage({ id: request.id, timelines: plan.timelines } satisfies TimelineReply),
    (error: unknown) =>
      port.postMessage({
        id: request.id,
        error: error instanceof Error ? error.message : String(error),
      } satisfies TimelineReply),
  );
});
port.postMessage({ id: -1, ready: true } satisfies TimelineReply);
