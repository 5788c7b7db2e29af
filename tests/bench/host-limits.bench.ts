// The headless host under two hostile clients (issue: one request must not stall every client or
// exhaust memory), with the real host in a child process on a temp data directory:
//   A. one client sends a single 64 MB frame;
//   B. a slow reader (its socket paused, it never reads) asks ten times for a million candles, then
//      keeps asking for pages until the host disconnects it.
// Figures: the longest stall a second client sees (round trip of market.status, sent every 10 ms),
// the host's peak RSS while each scenario runs (sampled from /proc every 20 ms), and the outcome.
// Run: npm run bench -- host-limits
import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import WebSocket from 'ws';
import { CandlesRepo } from '../../src/main/core/store/candles.repo';
import { openDatabase } from '../../src/main/core/store/db';
import type { CandleWrite } from '../../src/main/core/store/types';
import { startServerProcess } from '../integration/support/server-process';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '../..');
const CANDLES = 1_000_000;
const MINUTE = 60_000;
const START = Date.UTC(2022, 0, 1);

function seed(dir: string): void {
  const db = openDatabase(join(dir, 'crossdesk.db'));
  const repo = new CandlesRepo(db);
  const key = { feed: 'bench', symbol: 'BTCUSDT', interval: '1' as const };
  for (let from = 0; from < CANDLES; from += 50_000) {
    const batch: CandleWrite[] = [];
    for (let i = from; i < Math.min(CANDLES, from + 50_000); i++) {
      const p = 100 + Math.sin(i / 500) * 10;
      const t = START + i * MINUTE;
      batch.push({
        openTime: t,
        open: p,
        high: p * 1.001,
        low: p * 0.999,
        close: p,
        volume: 1,
        turnover: p,
        confirmed: true,
        updatedAt: t + MINUTE,
      });
    }
    repo.upsert(key, batch);
  }
  db.close();
}

function rssMb(pid: number, field: 'VmRSS' | 'VmHWM'): number {
  const status = readFileSync(`/proc/${pid}/status`, 'utf8');
  const kb = Number(new RegExp(`${field}:\\s+(\\d+)`).exec(status)?.[1] ?? 0);
  return kb / 1024;
}

/** Round trips of a second client and the host's RSS, sampled until stopped. */
function watch(rpcUrl: string, pid: number) {
  const ws = new WebSocket(rpcUrl);
  let worstMs = 0;
  let peakRss = 0;
  let id = 0;
  let sentAt = 0;
  let waiting = false;
  const ready = new Promise((r) => ws.once('open', r));
  ws.on('message', (data) => {
    const message = JSON.parse(String(data)) as { id?: number };
    if (message.id === id && waiting) {
      waiting = false;
      worstMs = Math.max(worstMs, performance.now() - sentAt);
    }
  });
  const ping = setInterval(() => {
    if (ws.readyState !== WebSocket.OPEN) return;
    if (waiting) {
      worstMs = Math.max(worstMs, performance.now() - sentAt);
      return;
    }
    id++;
    sentAt = performance.now();
    waiting = true;
    ws.send(JSON.stringify({ t: 'req', id, method: 'market.status', params: {} }));
  }, 10);
  const sample = setInterval(() => (peakRss = Math.max(peakRss, rssMb(pid, 'VmRSS'))), 20);
  return {
    ready,
    reset() {
      worstMs = 0;
      peakRss = rssMb(pid, 'VmRSS');
    },
    figures: () => ({ worstMs, peakRss }),
    stop() {
      clearInterval(ping);
      clearInterval(sample);
      ws.close();
    },
  };
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** Runs an attacking client (ESM source, `URL` given) in its own Node process; resolves with its stdout. */
function attacker(rpcUrl: string, source: string): Promise<string> {
  return new Promise((resolvePromise, reject) => {
    const child = spawn(
      process.execPath,
      ['--input-type=module', '-e', `const URL_ = ${JSON.stringify(rpcUrl)};\n${source}`],
      {
        cwd: root,
        stdio: ['ignore', 'pipe', 'inherit'],
      },
    );
    let out = '';
    child.stdout.setEncoding('utf8').on('data', (chunk: string) => (out += chunk));
    child.once('exit', (code) =>
      code === 0 ? resolvePromise(out) : reject(new Error(`attacker exited ${code}: ${out}`)),
    );
  });
}

const ATTACK_BIG_FRAME = `
import WebSocket from 'ws';
const ws = new WebSocket(URL_);
await new Promise((r) => ws.once('open', r));
ws.on('error', () => {});
const frame = JSON.stringify({ t: 'req', id: 1, method: 'market.importCsv', params: { feed: 'csv', symbol: 'BTCUSDT', interval: '1', content: 'x'.repeat(64 * 1024 * 1024) } });
const sent = performance.now();
const code = await new Promise((r) => { ws.once('close', (c) => r(c)); ws.send(frame); });
console.log('closed by the host with ' + code + ' after ' + (performance.now() - sent).toFixed(0) + ' ms');
process.exit(0);
`;

const ATTACK_SLOW_READER = `
import WebSocket from 'ws';
const ws = new WebSocket(URL_);
await new Promise((r) => ws.once('open', r));
let closed = false;
ws.on('close', () => (closed = true));
ws.on('error', () => {});
ws._socket.pause();
const ask = (id, limit) => ws.send(JSON.stringify({ t: 'req', id, method: 'market.candles', params: { feed: 'bench', symbol: 'BTCUSDT', interval: '1', ...(limit ? { limit } : {}) } }));
for (let i = 0; i < 10; i++) ask(100 + i, 1000000);
for (let i = 0; i < 10; i++) ask(200 + i);
await new Promise((r) => setTimeout(r, 2000));
let pages = 10;
for (let i = 0; i < 200 && ws.readyState === WebSocket.OPEN; i++) { ask(300 + i); pages++; await new Promise((r) => setTimeout(r, 20)); }
await new Promise((r) => setTimeout(r, 1000));
ws._socket.resume();
await new Promise((r) => setTimeout(r, 500));
console.log('ten asks for 1,000,000 candles (refused: a page is at most 10,000) and ' + pages + ' pages of 10,000 never read; ' + (closed ? 'disconnected by the host' : 'still connected'));
process.exit(0);
`;

async function main(): Promise<void> {
  const dir = mkdtempSync(join(tmpdir(), 'crossdesk-bench-host-'));
  try {
    const seeded = performance.now();
    seed(dir);
    console.log(
      `seeded ${CANDLES.toLocaleString('en-US')} one-minute candles in ${((performance.now() - seeded) / 1000).toFixed(1)} s`,
    );
    const server = await startServerProcess(root, ['--port', '0', '--data-dir', dir, '--demo', '--no-demo-model']);
    const pid = server.child.pid!;
    const probe = watch(server.rpcUrl, pid);
    await probe.ready;
    // Let start-up finish (the core's worker, the embedded simulator's history) before measuring.
    await sleep(10_000);
    probe.reset();
    await sleep(3_000);
    const idle = probe.figures();
    console.log(
      `idle: longest round trip ${idle.worstMs.toFixed(0)} ms, RSS ${idle.peakRss.toFixed(0)} MB (load ${loadavg()
        .map((l) => l.toFixed(2))
        .join(' ')})`,
    );

    // A. One 64 MB frame, from another process (so that building and masking it stalls the
    // attacker, not the probe).
    probe.reset();
    const a0 = performance.now();
    const outA = await attacker(server.rpcUrl, ATTACK_BIG_FRAME);
    await sleep(1_000);
    const a = probe.figures();
    console.log(
      `A. 64 MB frame: ${outA.trim()} (${((performance.now() - a0) / 1000).toFixed(1)} s in all); longest stall for another client ${a.worstMs.toFixed(0)} ms; ` +
        `peak RSS ${a.peakRss.toFixed(0)} MB (load ${loadavg()
          .map((l) => l.toFixed(2))
          .join(' ')})`,
    );

    // B. A slow reader asking for a million candles, ten times, then pages until cut off.
    probe.reset();
    const outB = await attacker(server.rpcUrl, ATTACK_SLOW_READER);
    await sleep(500);
    const b = probe.figures();
    console.log(
      `B. slow reader: ${outB.trim()}; longest stall for another client ${b.worstMs.toFixed(0)} ms; ` +
        `peak RSS ${b.peakRss.toFixed(0)} MB; lifetime peak (VmHWM) ${rssMb(pid, 'VmHWM').toFixed(0)} MB (load ${loadavg()
          .map((l) => l.toFixed(2))
          .join(' ')})`,
    );
    probe.stop();
    await server.stop();
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

main().catch((err: unknown) => {
  console.error(err);
  process.exit(1);
});
