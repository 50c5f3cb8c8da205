/**
 * A worker thread of the derive pool: it derives files (read, parse, chunk,
 * extract symbols, and tokenize unless the pool keeps that for the main
 * thread) and sends the results back, so the thread that
 * runs the election, IPC and MCP only writes them. It loads its own
 * tree-sitter runtime and grammars, on first use, and they go with it when
 * the pool lets an idle worker end.
 */
import { parentPort, workerData } from 'node:worker_threads';
import { Chunker } from '../chunk/chunker.ts';
import { errorMessage } from '../errors.ts';
import { readFileContentSync } from '../scan/file-content.ts';
import { deriveContent } from './file-derivation.ts';
import type { WorkerReply, WorkerRequest, WorkerSettings } from './derive-messages.ts';
import { lowerThisThreadsPriority } from './worker-priority.ts';

const port = parentPort;
if (!port) throw new Error('derive-worker.ts runs as a worker thread of the derive pool');
const settings = workerData as WorkerSettings;
lowerThisThreadsPriority();
const chunker = new Chunker({ symbols: settings.symbols });
// A test makes a worker die in the middle of some files (comma-separated paths), to check that the run survives it.
const crashOn = new Set(process.env.BATON_TEST_WORKER_CRASH_ON?.split(',') ?? []);

// Files are read and parsed one at a time in the order sent: when the thread dies, the pool
// knows which file it was on. The read blocks this thread only (see readBoundedSync).
let queue: Promise<void> = Promise.resolve();
port.on('message', (message: WorkerRequest) => {
  const { request } = message;
  queue = queue.then(async () => {
    try {
      const content = readFileContentSync(request.absolutePath, request.maxBytes);
      if (crashOn.has(request.path)) process.exit(70);
      port.postMessage({ id: message.id, result: await deriveContent(chunker, request, content, { termsFromChars: settings.termsFromChars }) } satisfies WorkerReply);
    } catch (error) {
      port.postMessage({ id: message.id, error: errorMessage(error) } satisfies WorkerReply);
    }
  });
});
