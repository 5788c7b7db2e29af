// Upsert throughput of the candles store, on a real file in a temp dir: fresh inserts, re-upserts of
// the same confirmed candles (no-ops by the write rules), and updates of forming candles.
// Run: npx tsx tests/bench/store-upsert.bench.ts [candles] [batch]
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { importCsv } from '../../src/main/core/market/csv-import';
import { CandlesRepo } from '../../src/main/core/store/candles.repo';
import { openDatabase } from '../../src/main/core/store/db';
import type { CandleWrite } from '../../src/main/core/store/types';
import type { SeriesKey } from '../../src/shared/domain';

const total = Number(process.argv[2] ?? 200_000);
const batchSize = Number(process.argv[3] ?? 1_000);
const MINUTE = 60_000;
const start = Date.UTC(2024, 0, 1);

function candles(n: number, confirmed: boolean, updatedOffset: number): CandleWrite[] {
  const list: CandleWrite[] = [];
  let price = 100;
  for (let i = 0; i < n; i++) {
    const open = price;
    price *= 1 + Math.sin(i) * 0.001;
    list.push({
      openTime: start + i * MINUTE,
      open,
      high: Math.max(open, price) * 1.001,
      low: Math.min(open, price) * 0.999,
      close: price,
      volume: 10 + (i % 7),
      turnover: (10 + (i % 7)) * price,
      confirmed,
      updatedAt: start + (i + 1) * MINUTE + updatedOffset,
    });
  }
  return list;
}

function measure(label: string, repo: CandlesRepo, key: SeriesKey, list: CandleWrite[]): void {
  const t0 = process.hrtime.bigint();
  let changed = 0;
  for (let i = 0; i < list.length; i += batchSize) changed += repo.upsert(key, list.slice(i, i + batchSize));
  const seconds = Number(process.hrtime.bigint() - t0) / 1e9;
  const rate = Math.round(list.length / seconds);
  console.log(
    `${label.padEnd(34)} ${rate.toLocaleString('en-US').padStart(10)} candles/s  (${list.length} in ${seconds.toFixed(2)} s, ${changed} changed)`,
  );
}

const dir = mkdtempSync(join(tmpdir(), 'crossdesk-bench-'));
try {
  const db = openDatabase(join(dir, 'bench.sqlite'));
  const repo = new CandlesRepo(db);
  console.log(`store upsert: ${total} candles, batches of ${batchSize}, one transaction per batch`);
  const forming = candles(total, false, 0);
  measure('fresh insert (unconfirmed)', repo, { feed: 'bench', symbol: 'AAAUSDT', interval: '1' }, forming);
  measure(
    'newer unconfirmed (updates)',
    repo,
    { feed: 'bench', symbol: 'AAAUSDT', interval: '1' },
    candles(total, false, 1),
  );
  measure(
    'confirm (updates)',
    repo,
    { feed: 'bench', symbol: 'AAAUSDT', interval: '1' },
    candles(total, true, 2),
  );
  const closed = candles(total, true, 0);
  const key: SeriesKey = { feed: 'bench', symbol: 'BTCUSDT', interval: '1' };
  measure('fresh insert (confirmed)', repo, key, closed);
  measure('re-upsert same confirmed (no-op)', repo, key, closed);
  const csv = [
    'time,open,high,low,close,volume',
    ...closed.map(
      (c) => `${new Date(c.openTime).toISOString()},${c.open},${c.high},${c.low},${c.close},${c.volume}`,
    ),
  ].join('\n');
  const t0 = process.hrtime.bigint();
  const imported = importCsv(repo, { feed: 'bench-import', symbol: 'BTCUSDT', interval: '1' }, csv);
  const seconds = Number(process.hrtime.bigint() - t0) / 1e9;
  console.log(
    `${'csv import (ISO, parse + write)'.padEnd(34)} ${Math.round(imported.rows / seconds)
      .toLocaleString('en-US')
      .padStart(10)} candles/s  (${imported.rows} in ${seconds.toFixed(2)} s, one transaction)`,
  );
  db.close();
} finally {
  rmSync(dir, { recursive: true, force: true });
}
