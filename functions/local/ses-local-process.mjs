// aws-ses-v2-local in a process of its own, so that its HTTP and parsing work runs on another core
// than the handlers. Plain JavaScript: it starts with `node`, without a TypeScript loader.
// Prints {"port":N} on its first stdout line once listening; exits when its parent closes stdin.
import { randomUUID } from 'node:crypto';
import { createRequire } from 'node:module';

const require = createRequire(import.meta.url);

// aws-ses-v2-local draws each message id from 900 million random numbers, so among 20,000 emails
// two share one in about one run in four. SES's own ids are unique; these are made unique too,
// through the module function its send handlers call.
const util = require('aws-ses-v2-local/dist/util.js');
if (typeof util?.getMessageId !== 'function') {
  process.stderr.write(
    'aws-ses-v2-local no longer has util.getMessageId: check that its message ids are unique\n',
  );
  process.exit(2);
}
util.getMessageId = () => `ses-${randomUUID()}`;

const sesLocal = require('aws-ses-v2-local');
const start = [sesLocal, sesLocal.default].find((candidate) => typeof candidate === 'function');
if (start === undefined) {
  process.stderr.write('aws-ses-v2-local exports no server function\n');
  process.exit(2);
}

const server = await start({ host: '127.0.0.1', port: 0 });
process.stdout.write(`${JSON.stringify({ port: server.address().port })}\n`);

// The parent holds our stdin: when it closes (stop(), or the parent died), so do we.
process.stdin.resume();
process.stdin.on('close', () => {
  server.closeAllConnections();
  server.close(() => process.exit(0));
});
