// Reads the numbered migration files (migrations/NNNN_name.sql) that sit next to this module.
// Under vitest and tsx this module runs from the source tree, so the files are on disk beside it.
// The electron-vite main bundle does not run this body: embed-migrations.ts (a vite plugin wired in
// electron.vite.config.ts) replaces this module at build time with one that returns the same files
// as string literals, so the bundle needs no files next to it (works inside an asar archive and
// whatever chunk the code lands in).
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

export interface MigrationFile {
  /** The file name, e.g. `0001_candles_settings.sql`. */
  file: string;
  sql: string;
}

export const MIGRATION_FILE_PATTERN = /^(\d{4})_([a-z0-9_]+)\.sql$/;

/** Reads every `NNNN_name.sql` in `dir`, sorted by name. */
export function readMigrationDir(dir: string): MigrationFile[] {
  return readdirSync(dir)
    .filter((file) => MIGRATION_FILE_PATTERN.test(file))
    .sort()
    .map((file) => ({ file, sql: readFileSync(join(dir, file), 'utf8') }));
}

export function readMigrationFiles(): MigrationFile[] {
  return readMigrationDir(fileURLToPath(new URL('./migrations/', import.meta.url)));
}
