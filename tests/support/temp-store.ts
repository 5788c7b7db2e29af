// A real SQLite store in a temp directory, for unit and integration tests alike.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CandlesRepo } from '../../src/main/core/store/candles.repo';
import { openDatabase, type Db } from '../../src/main/core/store/db';

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
