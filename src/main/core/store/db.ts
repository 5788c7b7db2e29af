// Opening the database and migrating its schema. SQLite is the system of record: one file per data
// directory, WAL mode, one transaction per logical write, append-only numbered migrations.
import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import Database from 'better-sqlite3';
import { CoreError } from '../../../shared/errors';
import { MIGRATION_FILE_PATTERN, readMigrationFiles } from './migration-files';

export type Db = Database.Database;

export interface Migration {
  version: number;
  name: string;
  sql: string;
}

export interface OpenOptions {
  /** Opens an existing, already migrated file without writing to it (no pragmas that write, no migration). */
  readonly?: boolean;
  /**
   * better-sqlite3's compiled addon to load instead of the one built for Node: the Electron host
   * passes a build for Electron's ABI (made by scripts/start.mjs, never at install time).
   */
  nativeBinding?: string;
}

/** How long a writer waits for another connection's lock before SQLITE_BUSY, in ms. */
const BUSY_TIMEOUT_MS = 5_000;

let knownMigrations: readonly Migration[] | undefined;

/** The migrations this build knows, in order; checked once: versions 1..n, no gaps, no duplicates. */
export function migrations(): readonly Migration[] {
  if (knownMigrations) return knownMigrations;
  const list = readMigrationFiles().map(({ file, sql }) => {
    const match = MIGRATION_FILE_PATTERN.exec(file);
    if (!match) throw new CoreError('INTERNAL', `Migration file name ${file} is not NNNN_name.sql.`);
    return { version: Number(match[1]), name: match[2] ?? '', sql };
  });
  list.sort((a, b) => a.version - b.version);
  list.forEach((m, index) => {
    if (m.version !== index + 1) {
      throw new CoreError(
        'INTERNAL',
        `Migrations must be numbered 1..n without gaps; found ${m.version} at position ${index + 1}.`,
      );
    }
  });
  knownMigrations = Object.freeze(list);
  return knownMigrations;
}

/** The latest schema version this build knows. */
export function latestSchemaVersion(): number {
  return migrations().length;
}

/**
 * Opens (creating if needed) the database file and brings its schema up to date.
 * Pragmas: WAL lets readers run while the ingest writes; synchronous=NORMAL is safe with WAL (a
 * crash of the app never loses a committed transaction and never corrupts the file; only a power
 * cut or OS crash can roll back the last few commits) and avoids an fsync per commit, which matters
 * for the live stream's many small transactions; foreign_keys=ON because SQLite defaults it off;
 * busy_timeout so a second connection (the CLI next to the app) waits instead of failing at once.
 */
export function openDatabase(file: string, options: OpenOptions = {}): Db {
  const readonly = options.readonly === true;
  const inMemory = file === ':memory:' || file === '';
  if (!inMemory && !readonly) mkdirSync(dirname(file), { recursive: true });

  let db: Db;
  try {
    db = new Database(file, {
      readonly,
      fileMustExist: readonly,
      ...(options.nativeBinding ? { nativeBinding: options.nativeBinding } : {}),
    });
  } catch (err) {
    throw new CoreError(
      readonly ? 'NOT_FOUND' : 'INTERNAL',
      `Cannot open the database file ${file}: ${reason(err)}.`,
    );
  }
  try {
    db.pragma(`busy_timeout = ${BUSY_TIMEOUT_MS}`);
    if (readonly) {
      checkVersion(db, file, true);
    } else {
      if (!inMemory) db.pragma('journal_mode = WAL');
      db.pragma('synchronous = NORMAL');
      db.pragma('foreign_keys = ON');
      migrate(db);
    }
    return db;
  } catch (err) {
    db.close();
    if (err instanceof CoreError) throw err;
    throw new CoreError(
      'INTERNAL',
      `The database file ${file} is damaged or is not a CrossDesk database (${reason(err)}). ` +
        'Move it aside or choose another data directory.',
    );
  }
}

/**
 * Applies every pending migration up to `upTo` (default: all), each in its own IMMEDIATE
 * transaction together with its schema_migrations row, so a failing migration leaves the schema at
 * the previous version and two processes never apply the same one.
 * A migration must not rely on PRAGMA foreign_keys=OFF (a no-op inside a transaction): rebuild
 * tables with PRAGMA defer_foreign_keys instead.
 */
export function migrate(db: Db, upTo?: number): void {
  const known = migrations();
  const target = upTo ?? known.length;
  if (!Number.isInteger(target) || target < 0 || target > known.length) {
    throw new CoreError(
      'INTERNAL',
      `Cannot migrate to schema version ${target}: this build knows 0..${known.length}.`,
    );
  }
  db.exec(`CREATE TABLE IF NOT EXISTS schema_migrations (
    version    INTEGER NOT NULL PRIMARY KEY,
    name       TEXT    NOT NULL,
    applied_at INTEGER NOT NULL
  ) STRICT`);
  checkVersion(db, db.name, false);
  checkNames(db, known);

  const insert = db.prepare('INSERT INTO schema_migrations (version, name, applied_at) VALUES (?, ?, ?)');
  for (const migration of known) {
    if (migration.version > target) break;
    const apply = db.transaction(() => {
      // Re-read inside the write lock: another connection may have applied it meanwhile.
      if (schemaVersion(db) >= migration.version) return;
      db.exec(migration.sql);
      insert.run(migration.version, migration.name, Date.now());
    });
    try {
      apply.immediate();
    } catch (err) {
      throw new CoreError(
        'INTERNAL',
        `Upgrading the database to schema ${migration.version} (${migration.name}) failed: ${reason(err)}. ` +
          'The database was left at the previous version.',
      );
    }
  }
}

/** The highest applied migration, or 0 for a new file. */
export function schemaVersion(db: Db): number {
  const table = db
    .prepare("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'schema_migrations'")
    .get();
  if (!table) return 0;
  const row = db.prepare('SELECT MAX(version) AS version FROM schema_migrations').get() as {
    version: number | null;
  };
  return row.version ?? 0;
}

function checkVersion(db: Db, file: string, readonly: boolean): void {
  const version = schemaVersion(db);
  const latest = latestSchemaVersion();
  if (version > latest) {
    throw new CoreError(
      'CONFLICT',
      `The database ${file} was written by a newer version of CrossDesk (schema ${version}; this version knows ` +
        `up to ${latest}). Update CrossDesk, or choose another data directory.`,
      { schemaVersion: version, latestKnown: latest },
    );
  }
  if (readonly && version < latest) {
    throw new CoreError(
      'CONFLICT',
      `The database ${file} is at schema ${version} and needs upgrading to ${latest}; open it once read-write first.`,
      { schemaVersion: version, latestKnown: latest },
    );
  }
}

/** An applied migration whose name differs from this build's file of that number means diverged builds. */
function checkNames(db: Db, known: readonly Migration[]): void {
  const applied = db.prepare('SELECT version, name FROM schema_migrations ORDER BY version').all() as Array<{
    version: number;
    name: string;
  }>;
  for (const row of applied) {
    const mine = known[row.version - 1];
    if (mine && mine.name !== row.name) {
      throw new CoreError(
        'CONFLICT',
        `The database's schema ${row.version} is "${row.name}" but this build's is "${mine.name}": it was written ` +
          'by a different build of CrossDesk. Choose another data directory.',
      );
    }
  }
}

function reason(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}
