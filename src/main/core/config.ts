// Where a host keeps its data. Every host (Electron, headless server, CLI) resolves the directory the
// same way so that they share one database: `--data-dir`, else CROSSDESK_DATA_DIR, else ~/.crossdesk.
import { mkdirSync } from 'node:fs';
import { homedir } from 'node:os';
import { join, resolve } from 'node:path';

export const DATA_DIR_ENV = 'CROSSDESK_DATA_DIR';
export const DATABASE_FILE = 'crossdesk.db';

export function defaultDataDir(): string {
  return join(homedir(), '.crossdesk');
}

/** The data directory for this run, as an absolute path. A flag wins over the environment. */
export function resolveDataDir(flag: string | undefined, env: NodeJS.ProcessEnv = process.env): string {
  const chosen = flag?.trim() || env[DATA_DIR_ENV]?.trim();
  return chosen ? resolve(chosen) : defaultDataDir();
}

/** Creates the directory if needed and returns the database file inside it. */
export function databaseFile(dataDir: string): string {
  mkdirSync(dataDir, { recursive: true });
  return join(dataDir, DATABASE_FILE);
}
