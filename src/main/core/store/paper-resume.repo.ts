// Which paper accounts were running when the core last stopped (paper_accounts.resume, migration
// fold_models_paper_resume): set on start, cleared on a stop the user (or an error) asked for, kept when
// the core closes, so that the app's next start resumes them.
import type { Statement } from 'better-sqlite3';
import type { Db } from './db';

export class PaperResumeRepo {
  private readonly setStatement: Statement;
  private readonly listStatement: Statement;

  constructor(db: Db) {
    this.setStatement = db.prepare('UPDATE paper_accounts SET resume = ? WHERE id = ?');
    this.listStatement = db
      .prepare('SELECT id FROM paper_accounts WHERE resume = 1 ORDER BY updated_at DESC')
      .pluck();
  }

  set(accountId: string, resume: boolean): void {
    this.setStatement.run(resume ? 1 : 0, accountId);
  }

  /** Accounts to resume, the most recently traded first. */
  resumable(): string[] {
    return this.listStatement.all() as string[];
  }
}
