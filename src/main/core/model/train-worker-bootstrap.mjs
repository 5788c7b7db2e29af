// Starts the TypeScript worker entry when running from source (vitest, tsx): registers tsx's loader in
// this thread, then imports the entry named in workerData. The electron-vite bundle runs its compiled
// train-worker.js directly instead.
import { workerData } from 'node:worker_threads';

const { register } = await import('tsx/esm/api');
register();
await import(workerData.entry);
