// A backfill killed with SIGKILL mid-way leaves a database that opens cleanly, holds whole pages only
// (each page is one transaction), and a resumed backfill reaches the exact truth asking only for
// what is missing.
import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { afterEach, describe, expect, it } from 'vitest';
import { startSimulator, type Simulator } from '../../src/main/core/market/simulator';
import { openDatabase } from '../../src/main/core/store/db';
import { CandlesRepo } from '../../src/main/core/store/candles.repo';
import { BybitRest } from '../../src/main/core/market/bybit-rest';
import { backfill } from '../../src/main/core/market/backfill';
import { plain, SIM_START, tempStore, type TempStore } from './market-helpers';

const CHILD = fileURLToPath(new URL('./fixtures/backfill-child.ts', import.meta.url));
const PAGE = 500;
const BARS = 30_000;

let simulator: Simulator | null = null;
let store: TempStore | null = null;

afterEach(async () => {
  await simulator?.close();
  store?.dispose();
  simulator = store = null;
});

describe('backfill killed mid-way', () => {
  it('keeps whole pages only and resumes to the exact truth', async () => {
    simulator = await startSimulator({
      port: 0,
      seed: 3,
      interval: '1',
      symbols: ['BTCUSDT'],
      historyBars: BARS,
      startTime: SIM_START,
      barMs: 60_000,
      restRateLimit: null,
    });
    store = tempStore();
    store.db.close();
    const truth = simulator.truth('BTCUSDT').slice(0, BARS);
    const from = truth[0]!.openTime;
    const to = truth.at(-1)!.openTime;

    const child = spawn(
      'npx',
      ['tsx', CHILD, simulator.restUrl, store.file, 'BTCUSDT', String(from), String(to), String(PAGE)],
      {
        stdio: ['ignore', 'pipe', 'pipe'],
        // Its own process group: npx, tsx and the node running the script all die together.
        detached: true,
      },
    );
    let stderr = '';
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    const exited = new Promise<NodeJS.Signals | number | null>((resolve) =>
      child.on('exit', (code, signal) => resolve(signal ?? code)),
    );
    // The script runs in a grandchild (npx → tsx → node): wait until the whole group is gone.
    const groupGone = async () => {
      for (let i = 0; i < 200; i++) {
        try {
          process.kill(-child.pid!, 0);
        } catch {
          return;
        }
        await new Promise((r) => setTimeout(r, 25));
      }
      throw new Error('the killed backfill process group is still alive');
    };
    // Kill it once a few pages are committed, while it is working on the next ones.
    await new Promise<void>((resolve, reject) => {
      let out = '';
      child.stdout.on('data', (d: Buffer) => {
        out += d.toString();
        const done = [...out.matchAll(/done (\d+)/g)].map((m) => Number(m[1]));
        if ((done.at(-1) ?? 0) >= 4 * PAGE) {
          process.kill(-child.pid!, 'SIGKILL');
          resolve();
        }
        if (out.includes('finished')) reject(new Error('the child finished before it could be killed'));
      });
      child.on('exit', () => resolve());
    });
    expect(await exited, stderr).toBe('SIGKILL');
    await groupGone();

    const db = openDatabase(store.file);
    try {
      expect(db.pragma('integrity_check', { simple: true })).toBe('ok');
      const repo = new CandlesRepo(db);
      const key = { feed: 'simulator', symbol: 'BTCUSDT', interval: '1' as const };
      const partial = repo.range(key, { includeUnconfirmed: true });
      expect(partial.length).toBeGreaterThanOrEqual(4 * PAGE);
      expect(partial.length).toBeLessThan(BARS);
      // Whole pages, contiguous from the start.
      expect(partial.length % PAGE).toBe(0);
      expect(partial.map(plain)).toEqual(truth.slice(0, partial.length).map(plain));

      const rest = new BybitRest({ baseUrl: simulator.restUrl });
      const result = await backfill(
        repo,
        rest,
        { feed: 'simulator', symbols: ['BTCUSDT'], interval: '1', from, to },
        undefined,
        {
          pageSize: PAGE,
        },
      );
      expect(result.missing).toBe(BARS - partial.length);
      expect(rest.requests).toBe(2 + (BARS - partial.length) / PAGE);
      expect(repo.range(key).map(plain)).toEqual(truth.map(plain));
    } finally {
      db.close();
    }
  });
});
