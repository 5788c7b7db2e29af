// Migration fold_models_paper_resume, tested on its own from the previous version with data: a
// backtest's fold models get its id (found by the fold rows and their names), a model of the user's that a
// fold reused stays the user's, and paper accounts gain the resume flag, off.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { migrate, migrations, schemaVersion } from '../../src/main/core/store/db';
import { ModelsRepo } from '../../src/main/core/store/models.repo';

const NAME = 'fold_models_paper_resume';

let dir: string;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'crossdesk-migration-folds-'));
});
afterEach(() => {
  rmSync(dir, { recursive: true, force: true });
});

function insertModel(db: Database.Database, id: string, name: string): void {
  db.prepare(
    `INSERT INTO models VALUES (?, ?, 1, 'simulator', '["BTCUSDT"]', '60', 0, 1, 'h', 1, 'cpu', '{}', '{}', '{}', '{}', x'00000000')`,
  ).run(id, name);
}

describe(`migration ${NAME}`, () => {
  it('stamps the fold models of stored runs with their backtest, leaves the user’s models alone and adds paper resume', () => {
    const version = migrations().find((m) => m.name === NAME)!.version;
    const db = new Database(join(dir, 'store.sqlite'));
    db.pragma('foreign_keys = ON');
    migrate(db, version - 1);
    insertModel(db, 'mine', 'BTCUSDT 1h');
    insertModel(db, 'fold-a', 'walk-forward fold 1 BTCUSDT 60');
    insertModel(db, 'fold-b', 'walk-forward fold 2 BTCUSDT 60');
    db.prepare(
      "INSERT INTO backtests VALUES ('bt-1', 'n', 1, 'simulator', '[]', '60', 0, 10, 'model', '{}', x'', 0)",
    ).run();
    db.prepare(
      "INSERT INTO backtests VALUES ('bt-2', 'n', 1, 'simulator', '[]', '60', 0, 10, 'model', '{}', x'', 0)",
    ).run();
    const fold = db.prepare('INSERT INTO backtest_folds VALUES (?, ?, 0, 1, 2, 3, ?)');
    fold.run('bt-1', 0, 'fold-a');
    fold.run('bt-1', 1, 'fold-b');
    fold.run('bt-2', 0, 'mine'); // a run that reused the user's model for its fold
    db.prepare(
      `INSERT INTO paper_accounts (id, created_at, updated_at, feed, symbols, interval, strategy, params, start_time)
       VALUES ('default', 1, 1, 'simulator', '["BTCUSDT"]', '60', 'btc-only', '{}', 0)`,
    ).run();

    migrate(db, version);
    expect(schemaVersion(db)).toBe(version);
    const owners = Object.fromEntries(
      (db.prepare('SELECT id, backtest_id FROM models').all() as { id: string; backtest_id: string | null }[]).map(
        (r) => [r.id, r.backtest_id],
      ),
    );
    expect(owners).toEqual({ mine: null, 'fold-a': 'bt-1', 'fold-b': 'bt-1' });
    const repo = new ModelsRepo(db);
    expect(repo.idsOfBacktest('bt-1').sort()).toEqual(['fold-a', 'fold-b']);
    expect(repo.list().find((m) => m.id === 'mine')!.backtestId).toBeNull();
    expect(db.prepare("SELECT resume FROM paper_accounts WHERE id = 'default'").pluck().get()).toBe(0);
    expect(() => db.prepare("UPDATE paper_accounts SET resume = 2 WHERE id = 'default'").run()).toThrow(/CHECK/);
    db.close();
  });
});
