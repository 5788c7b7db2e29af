// User settings as JSON documents, one per key. Validation of their shape belongs to the caller
// (the contract's SettingsSchema); the store only keeps what it is given.
import type { Statement } from 'better-sqlite3';
import type { Db } from './db';

export class SettingsRepo {
  private readonly getStatement: Statement;
  private readonly setStatement: Statement;
  private readonly deleteStatement: Statement;
  private readonly allStatement: Statement;

  constructor(db: Db) {
    this.getStatement = db.prepare('SELECT value FROM settings WHERE key = ?').pluck();
    this.setStatement = db.prepare(
      'INSERT INTO settings (key, value) VALUES (?, ?) ON CONFLICT (key) DO UPDATE SET value = excluded.value',
    );
    this.deleteStatement = db.prepare('DELETE FROM settings WHERE key = ?');
    this.allStatement = db.prepare('SELECT key, value FROM settings ORDER BY key').raw();
  }

  get<T>(key: string): T | undefined {
    const value = this.getStatement.get(key) as string | undefined;
    return value === undefined ? undefined : (JSON.parse(value) as T);
  }

  /** Stores `value` as JSON; `undefined` deletes the key (JSON has no undefined). */
  set(key: string, value: unknown): void {
    if (value === undefined) {
      this.deleteStatement.run(key);
      return;
    }
    this.setStatement.run(key, JSON.stringify(value));
  }

  all(): Record<string, unknown> {
    const result: Record<string, unknown> = {};
    for (const [key, value] of this.allStatement.all() as Array<[string, string]>)
      result[key] = JSON.parse(value);
    return result;
  }
}
