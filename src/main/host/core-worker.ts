// The core's own thread, in both the desktop app and the headless host: opens the store, makes the
// start-up feed choice and serves every connection the main thread hands over. Synchronous SQLite,
// CSV parsing, backtests and TensorFlow.js set-up run here, so they never stall a window or the HTTP
// server. Training still runs in workers of its own, started from here (model/worker-client.ts).
import { parentPort, workerData, type MessagePort } from 'node:worker_threads';
import { serve } from '../../shared/rpc';
import { createCore, type Core } from '../core/core';
import type { CoreThreadConfig, FromCoreThread, ToCoreThread } from './core-thread-protocol';
import { trainDemoModelOnFirstRun } from './demo-model';
import { startFeed } from './feed-startup';
import { portTransport } from './port-transport';

if (!parentPort) throw new Error('core-worker.ts runs as a worker thread (see core-thread.ts).');
const host = parentPort;
const config = workerData as CoreThreadConfig;
const tell = (message: FromCoreThread) => host.postMessage(message);

function serveConnection(core: Core, port: MessagePort): void {
  const transport = portTransport(port);
  // Closing the port (the socket or the window went away) aborts that client's running calls.
  const detach = serve(core.dispatch, transport, core.events);
  transport.onClose(detach);
}

async function main(): Promise<void> {
  let core: Core;
  try {
    core = await createCore({
      dataDir: config.dataDir,
      sqliteBinding: config.sqliteBinding,
      resumePaper: config.resumePaper === true,
    });
  } catch (err) {
    tell({ type: 'failed', message: err instanceof Error ? err.message : String(err) });
    return;
  }
  let closing: Promise<void> | null = null;
  host.on('message', (message: ToCoreThread) => {
    if (message.type === 'connect') serveConnection(core, message.port);
    else if (message.type === 'close') {
      closing ??= core
        .close()
        .catch((err: unknown) => console.error('closing the core:', err))
        .then(() => tell({ type: 'closed' }));
    }
  });
  tell({ type: 'ready' });
  const lines = await startFeed(core, {
    demo: config.demo,
    probeUrl: config.probeUrl,
    probeTimeoutMs: config.probeTimeoutMs,
  });
  tell({ type: 'feed', lines });
  const resumed = await core.paperResumed;
  if (resumed) tell({ type: 'notice', line: resumed });
  if (config.demo && config.demoModel) {
    void trainDemoModelOnFirstRun(core, (line) => tell({ type: 'notice', line }));
  }
}

void main();
