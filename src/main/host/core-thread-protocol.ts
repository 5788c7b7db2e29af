// The messages between a host's main thread and the core's worker thread (core-worker.ts). Contract
// calls never travel here: each connection gets its own MessagePort that carries envelopes (see
// port-transport.ts); this channel only starts, connects and stops the core.
import type { MessagePort } from 'node:worker_threads';

/** What the worker needs to open the core; plain data, copied into the thread. */
export interface CoreThreadConfig {
  dataDir: string;
  /** better-sqlite3 addon built for Electron's ABI (npm start); default: the package's own build. */
  sqliteBinding?: string;
  /** Stream from the embedded simulator for this run (--demo). */
  demo?: boolean;
  /** Where the start-up check for Bybit goes; tests point it at an unreachable address. */
  probeUrl?: string;
  probeTimeoutMs?: number;
  /** Resume the paper accounts that were running when the last run stopped. */
  resumePaper?: boolean;
  /** With `demo`: train the small demo model on the first run (see demo-model.ts). */
  demoModel?: boolean;
}

export type ToCoreThread =
  /** A new client: `port` carries its envelopes until either side closes it. */
  | { type: 'connect'; port: MessagePort }
  /** Close the core (jobs cancelled, stream stopped, database closed), then answer 'closed'. */
  | { type: 'close' };

export type FromCoreThread =
  /** The store is open and calls are served. */
  | { type: 'ready' }
  /** The start-up feed choice is made (see feed-startup.ts): lines to tell the user. */
  | { type: 'feed'; lines: string[] }
  /** A line for the user after start-up (a resumed account, the demo model's progress). */
  | { type: 'notice'; line: string }
  | { type: 'failed'; message: string }
  | { type: 'closed' };
