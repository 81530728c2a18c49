// The send worker's entry: a worker thread starts without the parent's TypeScript loader, so it
// registers tsx before it imports the worker. Plain JavaScript for that reason.
import { register } from 'tsx/esm/api';

register();
await import('./worker.ts');
