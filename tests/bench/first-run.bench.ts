// The first run of the demo, timed: from `npm run demo` on a fresh data directory (port 0) to moving
// weights, attention and paper P&L. It starts the host as npm does, waits for the first-run demo model
// to be trained, makes the one click (paper.start with the model, as the Live view's Start does) and
// waits until the weights have changed twice, an attention matrix has come and the equity has moved.
// Goal: under two minutes. Prints each milestone in seconds with the load average (a shared machine).
// Run: npx tsx tests/bench/first-run.bench.ts
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import WebSocket from 'ws';
import { createClient, parseEnvelope } from '../../src/shared/rpc';

const TIMEOUT_MS = 300_000;
const root = join(import.meta.dirname, '../..');
const dataDir = mkdtempSync(join(os.tmpdir(), 'crossdesk-first-run-'));
const load = () => os.loadavg().map((l) => l.toFixed(2)).join(' ');
const loadBefore = load();
const t0 = performance.now();
const seconds = () => ((performance.now() - t0) / 1000).toFixed(1);
const marks: string[] = [];
const mark = (what: string) => {
  marks.push(`${seconds().padStart(6)} s  ${what}`);
};

const child = spawn('npm', ['run', '-s', 'demo', '--', '--port', '0', '--data-dir', dataDir], {
  cwd: root,
  detached: true,
  stdio: ['ignore', 'pipe', 'pipe'],
  env: { ...process.env, FORCE_COLOR: '0' },
});
let output = '';
const lines: ((line: string) => void)[] = [];
child.stdout.setEncoding('utf8').on('data', (chunk: string) => {
  output += chunk;
  for (const line of chunk.split('\n')) for (const listener of lines) listener(line);
});
child.stderr.setEncoding('utf8').on('data', (chunk: string) => (output += chunk));
const stop = () => {
  try {
    process.kill(-child.pid!, 'SIGTERM');
  } catch {
    // gone
  }
};
const timer = setTimeout(() => {
  console.error(`timed out after ${TIMEOUT_MS / 1000} s; host output:\n${output}`);
  stop();
  process.exit(1);
}, TIMEOUT_MS);

function line(match: RegExp): Promise<string> {
  return new Promise((resolve) => {
    const existing = output.split('\n').find((l) => match.test(l));
    if (existing) return resolve(existing);
    lines.push((l) => match.test(l) && resolve(l));
  });
}

try {
  const url = new URL(await line(/^http:\/\/127\.0\.0\.1:\d+\/\?token=/));
  mark('page URL printed');
  const socket = new WebSocket(`ws://${url.host}/rpc?token=${url.searchParams.get('token')}`, {
    headers: { origin: `http://${url.host}` },
  });
  await new Promise((resolve, reject) => socket.once('open', resolve).once('error', reject));
  const client = createClient({
    send: (message) => socket.send(JSON.stringify(message)),
    onMessage: (handler) => {
      const listener = (data: WebSocket.RawData) => {
        const message = parseEnvelope(data.toString());
        if (message) handler(message);
      };
      socket.on('message', listener);
      return () => socket.off('message', listener);
    },
  });
  await line(/^Demo model .* trained/);
  mark('demo model trained');

  let weightChanges = 0;
  let lastWeights: string | null = null;
  let attention = false;
  let firstEquity: number | null = null;
  let equityMoved = false;
  const moving = new Promise<void>((resolve) => {
    const check = () => weightChanges >= 2 && attention && equityMoved && resolve();
    client.on('paper.weights', (e) => {
      const key = JSON.stringify(e.weights);
      if (lastWeights !== null && key !== lastWeights) weightChanges++;
      lastWeights = key;
      check();
    });
    client.on('paper.attention', () => {
      if (!attention) mark('first attention matrix');
      attention = true;
      check();
    });
    client.on('paper.equity', (e) => {
      firstEquity ??= e.equity;
      if (!equityMoved && e.equity !== firstEquity) mark('paper equity moved');
      equityMoved ||= e.equity !== firstEquity;
      check();
    });
  });
  await client.call('paper.start', { strategy: 'model' });
  mark('paper trading started on the demo model (the one click)');
  await moving;
  mark('weights changed twice, attention shown, P&L moved');
  socket.close();
  console.log(marks.join('\n'));
  console.log(
    `first run to moving weights, attention and paper P&L: ${seconds()} s (goal < 120 s); ` +
      `load average before ${loadBefore}, after ${load()}; ${os.cpus().length} cores`,
  );
} finally {
  clearTimeout(timer);
  stop();
  await new Promise((resolve) => setTimeout(resolve, 1_000));
  rmSync(dataDir, { recursive: true, force: true });
}
