// Schema migrations: each migration is tested on its own from the previous version, with data.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { CoreError } from '../../src/shared/errors';
import { embedMigrations } from '../../src/main/core/store/embed-migrations';
import {
  latestSchemaVersion,
  migrate,
  migrations,
  openDatabase,
  schemaVersion,
} from '../../src/main/core/store/db';
import { readMigrationFiles } from '../../src/main/core/store/migration-files';

let dir: string;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'crossdesk-migrations-'));
});
afterEach(() => {
  rmSync(dir, { recursive: true, force: true });
});

/** A database file at exactly `version`, opened without the automatic migrate of openDatabase. */
function databaseAt(version: number): Database.Database {
  const db = new Database(join(dir, 'store.sqlite'));
  migrate(db, version);
  return db;
}

function columns(db: Database.Database, table: string): string[] {
  return (db.prepare(`PRAGMA table_info(${table})`).all() as Array<{ name: string }>).map((c) => c.name);
}

describe('migration files', () => {
  it('are numbered 1..n, named NNNN_name.sql, and each applies in its own recorded step', () => {
    const list = migrations();
    expect(list.length).toBeGreaterThanOrEqual(1);
    list.forEach((m, i) => expect(m.version).toBe(i + 1));
    const db = databaseAt(list.length);
    const rows = db
      .prepare('SELECT version, name, applied_at FROM schema_migrations ORDER BY version')
      .all() as Array<{
      version: number;
      name: string;
      applied_at: number;
    }>;
    expect(rows.map((r) => [r.version, r.name])).toEqual(list.map((m) => [m.version, m.name]));
    for (const row of rows) expect(row.applied_at).toBeGreaterThan(Date.UTC(2024, 0, 1));
    db.close();
  });

  it('are embedded in the electron-vite bundle with the same contents as on disk', async () => {
    const plugin = embedMigrations();
    const watched: string[] = [];
    const load = plugin.load as (this: { addWatchFile(f: string): void }, id: string) => string | null;
    const id = join(process.cwd(), 'src', 'main', 'core', 'store', 'migration-files.ts');
    const code = load.call({ addWatchFile: (f) => watched.push(f) }, id);
    expect(code).toBeTypeOf('string');
    expect(
      load.call(
        { addWatchFile: () => undefined },
        join(process.cwd(), 'src', 'main', 'core', 'store', 'db.ts'),
      ),
    ).toBeNull();
    const embedded = (await import(`data:text/javascript,${encodeURIComponent(code as string)}`)) as {
      readMigrationFiles(): unknown;
    };
    expect(embedded.readMigrationFiles()).toEqual(readMigrationFiles());
    expect(watched).toHaveLength(readMigrationFiles().length);
  });
});

describe('every migration', () => {
  it('applies on top of the previous version and keeps the candles and settings already stored', () => {
    const db = databaseAt(1);
    db.prepare(
      "INSERT INTO candles VALUES ('bybit', 'BTCUSDT', '60', 3600000, 1, 2, 0.5, 1.5, 10, 15, 1, 7200000)",
    ).run();
    db.prepare("INSERT INTO settings VALUES ('theme', '\"light\"')").run();
    const candles = db.prepare('SELECT * FROM candles').all();
    for (let version = 2; version <= latestSchemaVersion(); version++) {
      migrate(db, version);
      expect(schemaVersion(db)).toBe(version);
      expect(db.prepare('SELECT * FROM candles').all()).toEqual(candles);
      expect(db.prepare("SELECT value FROM settings WHERE key = 'theme'").pluck().get()).toBe('"light"');
    }
    expect(db.pragma('foreign_key_check')).toEqual([]);
    expect(db.pragma('integrity_check', { simple: true })).toBe('ok');
    db.close();
  });
});

describe('0001 candles and settings', () => {
  it('creates candles keyed by (feed, symbol, interval, open_time) and settings', () => {
    const db = databaseAt(0);
    expect(schemaVersion(db)).toBe(0);
    migrate(db, 1);
    expect(schemaVersion(db)).toBe(1);
    expect(columns(db, 'candles')).toEqual([
      'feed',
      'symbol',
      'interval',
      'open_time',
      'open',
      'high',
      'low',
      'close',
      'volume',
      'turnover',
      'confirmed',
      'updated_at',
    ]);
    const pk = (db.prepare('PRAGMA table_info(candles)').all() as Array<{ name: string; pk: number }>)
      .filter((c) => c.pk > 0)
      .sort((a, b) => a.pk - b.pk)
      .map((c) => c.name);
    expect(pk).toEqual(['feed', 'symbol', 'interval', 'open_time']);
    expect(columns(db, 'settings')).toEqual(['key', 'value']);

    db.prepare(
      "INSERT INTO candles VALUES ('bybit', 'BTCUSDT', '60', 3600000, 1, 2, 0.5, 1.5, 10, 15, 1, 7200000)",
    ).run();
    // The same bar of another feed is another row.
    db.prepare(
      "INSERT INTO candles VALUES ('simulator', 'BTCUSDT', '60', 3600000, 1, 2, 0.5, 1.5, 10, 15, 1, 7200000)",
    ).run();
    expect(() =>
      db
        .prepare(
          "INSERT INTO candles VALUES ('bybit', 'BTCUSDT', '60', 3600000, 1, 2, 0.5, 1.5, 10, 15, 1, 7200000)",
        )
        .run(),
    ).toThrow(/UNIQUE|PRIMARY KEY/);
    // STRICT: a fractional open time is refused rather than stored.
    expect(() =>
      db
        .prepare(
          "INSERT INTO candles VALUES ('bybit', 'BTCUSDT', '60', 1.5, 1, 2, 0.5, 1.5, 10, 15, 1, 7200000)",
        )
        .run(),
    ).toThrow(/INTEGER/);
    // NaN becomes NULL in SQLite and is refused.
    expect(() =>
      db
        .prepare(
          "INSERT INTO candles VALUES ('bybit', 'BTCUSDT', '60', 7200000, ?, 2, 0.5, 1.5, 10, 15, 1, 7200000)",
        )
        .run(Number.NaN),
    ).toThrow(/NOT NULL/);
    expect(() => db.prepare("INSERT INTO settings VALUES ('theme', 'not json')").run()).toThrow(/CHECK/);
    db.close();
  });
});

describe('openDatabase', () => {
  it('creates the parent directory, turns WAL on and migrates to the latest version', () => {
    const file = join(dir, 'nested', 'deeper', 'store.sqlite');
    const db = openDatabase(file);
    expect(db.pragma('journal_mode', { simple: true })).toBe('wal');
    expect(db.pragma('synchronous', { simple: true })).toBe(1); // NORMAL
    expect(db.pragma('foreign_keys', { simple: true })).toBe(1);
    expect(db.pragma('busy_timeout', { simple: true })).toBeGreaterThan(0);
    expect(schemaVersion(db)).toBe(latestSchemaVersion());
    db.close();
  });

  it('reopening is a no-op that keeps data and migration records', () => {
    const file = join(dir, 'store.sqlite');
    const first = openDatabase(file);
    first.prepare("INSERT INTO settings VALUES ('theme', '\"dark\"')").run();
    const applied = first.prepare('SELECT * FROM schema_migrations').all();
    first.close();
    const second = openDatabase(file);
    expect(second.prepare('SELECT * FROM schema_migrations').all()).toEqual(applied);
    expect(second.prepare("SELECT value FROM settings WHERE key = 'theme'").pluck().get()).toBe('"dark"');
    second.close();
  });

  it('lets a second connection (the CLI beside the app) open and read the same file', () => {
    const file = join(dir, 'store.sqlite');
    const app = openDatabase(file);
    const cli = openDatabase(file);
    app.prepare("INSERT INTO settings VALUES ('theme', '\"dark\"')").run();
    expect(cli.prepare('SELECT COUNT(*) FROM settings').pluck().get()).toBe(1);
    expect(schemaVersion(cli)).toBe(latestSchemaVersion());
    cli.close();
    app.close();
  });

  it('refuses a database written by a newer version with a CONFLICT error', () => {
    const file = join(dir, 'store.sqlite');
    const db = openDatabase(file);
    db.prepare('INSERT INTO schema_migrations VALUES (?, ?, ?)').run(
      latestSchemaVersion() + 1,
      'from_the_future',
      0,
    );
    db.close();
    const error = catchError(() => openDatabase(file));
    expect(error).toBeInstanceOf(CoreError);
    expect((error as CoreError).code).toBe('CONFLICT');
    expect((error as CoreError).message).toMatch(/newer version of CrossDesk/);
  });

  it('refuses a database whose applied migration has another name', () => {
    const file = join(dir, 'store.sqlite');
    const db = openDatabase(file);
    db.prepare("UPDATE schema_migrations SET name = 'something_else' WHERE version = 1").run();
    db.close();
    expect((catchError(() => openDatabase(file)) as CoreError).code).toBe('CONFLICT');
  });

  it('reports a file that is not a database as a CoreError naming the file', () => {
    const file = join(dir, 'garbage.sqlite');
    writeFileSync(
      file,
      'this is not a sqlite file, just some text that is long enough to have a header'.repeat(20),
    );
    const error = catchError(() => openDatabase(file));
    expect(error).toBeInstanceOf(CoreError);
    expect((error as CoreError).message).toContain('garbage.sqlite');
    expect((error as CoreError).message).toMatch(/damaged or is not a CrossDesk database/);
  });

  it('opens read-only without writing, and refuses a missing file as NOT_FOUND', () => {
    const file = join(dir, 'store.sqlite');
    openDatabase(file).close();
    const reader = openDatabase(file, { readonly: true });
    expect(schemaVersion(reader)).toBe(latestSchemaVersion());
    expect(() => reader.prepare("INSERT INTO settings VALUES ('a', '1')").run()).toThrow(/readonly/);
    reader.close();
    expect(
      (catchError(() => openDatabase(join(dir, 'missing.sqlite'), { readonly: true })) as CoreError).code,
    ).toBe('NOT_FOUND');
  });
});

function catchError(fn: () => unknown): unknown {
  try {
    fn();
  } catch (err) {
    return err;
  }
  throw new Error('expected an error');
}
