// Backfill throughput over loopback REST from the simulator into a real SQLite file (candles/s),
// next to the REST client alone, to show where the time goes. Goal: >= 20k candles/s.
// Run: npx tsx tests/bench/backfill.bench.ts [bars] [symbols]
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { backfill } from '../../src/main/core/market/backfill';
import { BybitRest } from '../../src/main/core/market/bybit-rest';
import { startSimulator } from '../../src/main/core/market/simulator';
import { CandlesRepo } from '../../src/main/core/store/candles.repo';
import { openDatabase } from '../../src/main/core/store/db';

const bars = Number(process.argv[2] ?? 50_000);
const symbolCount = Number(process.argv[3] ?? 2);
const symbols = ['BTCUSDT', 'ETHUSDT', 'SOLUSDT', 'AVAXUSDT', 'DOTUSDT'].slice(0, symbolCount);

const simulator = await startSimulator({
  port: 0,
  seed: 1,
  interval: '1',
  symbols,
  historyBars: bars,
  startTime: Date.UTC(2026, 0, 5),
  barMs: 3_600_000,
  restRateLimit: null,
});
const dir = mkdtempSync(join(tmpdir(), 'crossdesk-bench-'));
try {
  const from = simulator.truth(symbols[0]!)[0]!.openTime;
  const to = simulator.truth(symbols[0]!).at(-1)!.openTime;

  // REST only: pages fetched and parsed, nothing stored.
  const restOnly = new BybitRest({ baseUrl: simulator.restUrl });
  let t = performance.now();
  let fetched = 0;
  for (const symbol of symbols) fetched += (await restOnly.klineRange(symbol, '1', from, to)).length;
  const restSeconds = (performance.now() - t) / 1000;

  // Backfill: fetch, parse, one transaction per page into a real file.
  const db = openDatabase(join(dir, 'bench.db'));
  const repo = new CandlesRepo(db);
  const rest = new BybitRest({ baseUrl: simulator.restUrl });
  t = performance.now();
  const result = await backfill(repo, rest, { feed: 'simulator', symbols, interval: '1', from, to });
  const backfillSeconds = (performance.now() - t) / 1000;
  const written = Object.values(result.written).reduce((a, b) => a + b, 0);

  // Resume with everything stored: planning cost only.
  t = performance.now();
  const again = await backfill(repo, new BybitRest({ baseUrl: simulator.restUrl }), {
    feed: 'simulator',
    symbols,
    interval: '1',
    from,
    to,
  });
  const resumeMs = performance.now() - t;
  db.close();

  console.log(`backfill bench: ${symbols.length} symbols x ${bars} one-minute bars, pages of 1000`);
  console.log(
    `  REST fetch+parse only : ${fetched} candles in ${restSeconds.toFixed(2)} s = ${Math.round(fetched / restSeconds)} candles/s`,
  );
  console.log(
    `  backfill into SQLite  : ${written} candles in ${backfillSeconds.toFixed(2)} s = ${Math.round(written / backfillSeconds)} candles/s (${result.pages} pages, ${rest.requests} requests)`,
  );
  console.log(`  re-run, all stored    : ${again.pages} pages, ${resumeMs.toFixed(0)} ms`);
} finally {
  await simulator.close();
  rmSync(dir, { recursive: true, force: true });
}
