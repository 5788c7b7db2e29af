// How long the host's main thread stalls while the core works hard: its event-loop delay
// (perf_hooks.monitorEventLoopDelay) while a 3-year, 5-asset hourly model backtest and a 30 MB CSV
// import run together, through the contract, in two shapes of the same host:
//   core on main   the core on the host's main thread, as both hosts ran it before (createCore + serve)
//   core thread    the core in its worker thread (host/core-thread.ts), the main thread only relaying
// The client sits on the main thread over an in-memory transport (envelopes as JSON text), as a page's
// frames reach the host's main thread. The candles are synthetic (the project's market generator): the
// figure is about the host, not the market. The backtest is cancelled after the measuring window.
// Goal for the core thread: p99 < 20 ms, max < 100 ms. An idle reference comes first: on a shared
// machine the delay of a thread with nothing to do is the floor the other figures stand on.
// Run: npx tsx tests/bench/host-event-loop.bench.ts [windowSeconds=60] [mode=both|main|thread]
import { mkdtempSync, rmSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { monitorEventLoopDelay } from 'node:perf_hooks';
import { createClient, serve, type CoreClient, type Transport } from '../../src/shared/rpc';
import { importSource } from '../../src/shared/upload';
import { createCore } from '../../src/main/core/core';
import { DEFAULT_MARKET_SPEC, generateMarket } from '../../src/main/core/market/simulator/synthetic';
import { CandlesRepo } from '../../src/main/core/store/candles.repo';
import { openDatabase } from '../../src/main/core/store/db';
import { startCoreThread } from '../../src/main/host/core-thread';
import { startFeed } from '../../src/main/host/feed-startup';
import { memoryPair } from '../support/memory-transport';

const windowSeconds = Number(process.argv[2] ?? 60);
const only = process.argv[3] ?? 'both';
const HOUR = 3_600_000;
const START = Date.UTC(2021, 0, 1);
const BARS = 3 * 365 * 24;
const CSV_BYTES = 30 * 1024 * 1024;
/** Nowhere: the start-up check for Bybit fails at once, in both shapes. */
const PROBE = { probeUrl: 'http://127.0.0.1:9/', probeTimeoutMs: 200 };

interface Host {
  connect(transport: Transport): () => void;
  close(): Promise<void>;
}

function seedStore(dir: string): void {
  const db = openDatabase(join(dir, 'crossdesk.db'));
  const candles = new CandlesRepo(db);
  const market = generateMarket(DEFAULT_MARKET_SPEC, {
    seed: 3,
    interval: '60',
    startTime: START,
    bars: BARS,
  });
  for (const [symbol, list] of Object.entries(market)) {
    candles.upsert(
      { feed: 'simulator', symbol, interval: '60' },
      list.map((c) => ({ ...c, updatedAt: c.openTime + HOUR })),
    );
  }
  db.close();
}

function csvText(): string {
  const rows = ['open_time_ms,open,high,low,close,volume'];
  let size = rows[0]!.length;
  let price = 30_000;
  for (let i = 0; size < CSV_BYTES; i++) {
    price *= 1 + Math.sin(i / 50) * 0.001;
    const row = `${START + i * 60_000},${price.toFixed(2)},${(price * 1.001).toFixed(2)},${(price * 0.999).toFixed(2)},${price.toFixed(2)},${(10 + (i % 7)).toFixed(3)}`;
    rows.push(row);
    size += row.length + 1;
  }
  return rows.join('\n');
}

async function coreOnMain(dataDir: string): Promise<Host> {
  const core = await createCore({ dataDir });
  await startFeed(core, PROBE);
  return { connect: (transport) => serve(core.dispatch, transport, core.events), close: () => core.close() };
}

async function coreThread(dataDir: string): Promise<Host> {
  const core = await startCoreThread({ dataDir, ...PROBE });
  await core.feed;
  return core;
}

async function measure(name: string, start: (dataDir: string) => Promise<Host>, csv: string): Promise<void> {
  const dataDir = mkdtempSync(join(tmpdir(), 'crossdesk-host-loop-bench-'));
  seedStore(dataDir);
  const host = await start(dataDir);
  const [clientSide, hostSide] = memoryPair();
  const detach = host.connect(hostSide);
  const client: CoreClient = createClient(clientSide);
  // Settle start-up (the stream from the embedded simulator, the TensorFlow.js backend) first.
  await client.call('settings.get', {});
  await new Promise((resolve) => setTimeout(resolve, 2_000));

  const histogram = monitorEventLoopDelay({ resolution: 5 });
  const load = loadavg();
  histogram.enable();
  const started = Date.now();
  const stopBacktest = new AbortController();
  const backtest = client
    .call(
      'backtest.run',
      {
        feed: 'simulator',
        symbols: DEFAULT_MARKET_SPEC.symbols,
        interval: '60',
        from: START,
        to: START + (BARS - 1) * HOUR,
        strategy: 'model',
        trainBars: 90 * 24,
        testBars: 30 * 24,
        model: {
          config: {
            lookback: 48,
            patchLength: 8,
            dModel: 32,
            heads: 4,
            layers: 1,
            training: { epochs: 8, maxStepsPerEpoch: 60, batchSize: 32 },
          },
          seed: 1,
        },
      } as never,
      { signal: stopBacktest.signal },
    )
    .then(
      () => 'finished',
      (err: { code?: string }) => err.code ?? 'failed',
    );
  const importStarted = Date.now();
  const source = await importSource(csv, (chunk) => client.call('market.upload.chunk', chunk));
  const imported = await client.call('market.importCsv', {
    feed: 'bench-csv',
    symbol: 'BTCUSDT',
    interval: '1',
    ...source,
  });
  const importSeconds = (Date.now() - importStarted) / 1000;
  const remaining = windowSeconds * 1000 - (Date.now() - started);
  await Promise.race([backtest, new Promise((resolve) => setTimeout(resolve, Math.max(0, remaining)))]);
  histogram.disable();
  const measuredSeconds = (Date.now() - started) / 1000;
  stopBacktest.abort();
  const backtestOutcome = await backtest;

  const ms = (ns: number) => (ns / 1e6).toFixed(1);
  console.log(
    `${name.padEnd(12)} event-loop delay p50 ${ms(histogram.percentile(50))} ms, p99 ${ms(histogram.percentile(99))} ms, ` +
      `max ${ms(histogram.max)} ms over ${measuredSeconds.toFixed(0)} s; import of ${imported.rows.toLocaleString('en-US')} rows ` +
      `took ${importSeconds.toFixed(1)} s; backtest ${backtestOutcome === 'CANCELLED' ? 'cancelled after the window' : backtestOutcome}; ` +
      `load average at start ${load.map((l) => l.toFixed(2)).join(' ')}`,
  );
  detach();
  await host.close();
  rmSync(dataDir, { recursive: true, force: true });
}

/** The same histogram with nothing running in this process: what the machine's load alone costs. */
async function idleReference(seconds: number): Promise<void> {
  const histogram = monitorEventLoopDelay({ resolution: 5 });
  const load = loadavg();
  histogram.enable();
  await new Promise((resolve) => setTimeout(resolve, seconds * 1000));
  histogram.disable();
  const ms = (ns: number) => (ns / 1e6).toFixed(1);
  console.log(
    `${'idle'.padEnd(12)} event-loop delay p50 ${ms(histogram.percentile(50))} ms, p99 ${ms(histogram.percentile(99))} ms, ` +
      `max ${ms(histogram.max)} ms over ${seconds} s with nothing running (the reference); load average ${load.map((l) => l.toFixed(2)).join(' ')}`,
  );
}

const csv = csvText();
console.log(
  `host event loop: ${BARS} hourly bars x ${DEFAULT_MARKET_SPEC.symbols.length} assets (synthetic) model backtest ` +
    `+ a ${(csv.length / 1024 / 1024).toFixed(1)} MB CSV import, measured for ${windowSeconds} s; node ${process.version}`,
);
await idleReference(15);
if (only !== 'thread') await measure('core on main', coreOnMain, csv);
if (only !== 'main') await measure('core thread', coreThread, csv);
console.log(
  `load average at the end ${loadavg()
    .map((l) => l.toFixed(2))
    .join(' ')}`,
);
