// The timeline worker's entry: a worker thread starts without the parent's TypeScript loader, so it
// registers tsx before it imports the worker (as the send worker's entry does). Plain JavaScript.
import { register } from 'tsx/esm/api';

register();
await import('./timeline-worker.ts');
