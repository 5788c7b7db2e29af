// One process of two-threads.test.ts: two worker threads (ops-worker.ts) start native work at the same
// moment. Prints one JSON line: each thread's outcome. A fresh process each time, because the
// binding's attribute-name set fills on first use: only a process's first ops can race on it.
import { Worker } from 'node:worker_threads';

interface Outcome {
  ok: boolean;
  backend?: string;
  iterations?: number;
  error?: string;
}

const iterations = Number(process.argv[2] ?? 500);
const bootstrap = new URL('../../../src/main/core/model/train-worker-bootstrap.mjs', import.meta.url);
const entry = new URL('./ops-worker.ts', import.meta.url).href;
const barrier = new SharedArrayBuffer(4);

function run(seed: number): Promise<Outcome> {
  return new Promise((resolve) => {
    const worker = new Worker(bootstrap, { workerData: { entry, seed, iterations, barrier } });
    worker.once('message', (outcome: Outcome) => {
      resolve(outcome);
      void worker.terminate();
    });
    worker.once('error', (err) => resolve({ ok: false, error: err.message }));
    worker.once('exit', (code) => resolve({ ok: false, error: `worker exited with code ${code}` }));
  });
}

const outcomes = await Promise.all([run(3), run(5)]);
process.stdout.write(`${JSON.stringify(outcomes)}\n`);
