// Shared set-up for the market integration tests: a temp SQLite file and the real simulator.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Candle } from '../../src/shared/domain';
import { openDatabase, type Db } from '../../src/main/core/store/db';
import { CandlesRepo } from '../../src/main/core/store/candles.repo';

export interface TempStore {
  dir: string;
  file: string;
  db: Db;
  repo: CandlesRepo;
  dispose(): void;
}

export function tempStore(prefix = 'crossdesk-market-'): TempStore {
  const dir = mkdtempSync(join(tmpdir(), prefix));
  const file = join(dir, 'crossdesk.db');
  const db = openDatabase(file);
  return {
    dir,
    file,
    db,
    repo: new CandlesRepo(db),
    dispose() {
      try {
        db.close();
      } catch {
        // already closed
      }
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

/** Candle values as compared with the simulator's truth. */
export function plain(c: Candle): Candle {
  return {
    openTime: c.openTime,
    open: c.open,
    high: c.high,
    low: c.low,
    close: c.close,
    volume: c.volume,
    turnover: c.turnover,
    confirmed: c.confirmed,
  };
}

/** Fixed start so that every run sees the same market. */
export const SIM_START = Date.UTC(2026, 0, 5, 0, 0, 0);
