// The paper account across the app's life: resumed when the app starts if it was running when the app
// last stopped (saying so), and stopped with a message when the settings move the app to another
// series (interval, symbols or feed) than the account trades, rather than waiting for bars that never come.
import type { Settings } from '../../../shared/contract';
import type { BacktestStrategyName } from '../../../shared/contract/backtest';
import { intervalName, utcMinute as utc } from '../../../shared/domain';
import type { PaperAccountRow, PaperRepo } from '../store/paper.repo';
import type { PaperResumeRepo } from '../store/paper-resume.repo';
import type { PaperSettings, PaperTrader } from './paper';

/** A stored account's own settings: resuming it changes none of them. */
export function settingsOfRow(row: PaperAccountRow): PaperSettings {
  const params = row.params as Pick<PaperSettings, 'initialCapital' | 'costs' | 'risk' | 'trainBars'>;
  return {
    accountId: row.id,
    feed: row.feed,
    symbols: row.symbols,
    interval: row.interval,
    strategy: row.strategy as BacktestStrategyName,
    initialCapital: params.initialCapital,
    costs: params.costs,
    risk: params.risk,
    trainBars: params.trainBars,
    ...(row.modelId ? { modelId: row.modelId } : {}),
  };
}

/**
 * Resumes the account that was running when the app last stopped, if any; returns a line for the host
 * to print (null when there was nothing to resume). A failure clears the flag and says why.
 */
export async function resumeRunningAccount(
  trader: PaperTrader,
  paper: PaperRepo,
  resume: PaperResumeRepo,
  now: () => number,
): Promise<string | null> {
  const id = resume.resumable()[0];
  if (id === undefined) return null;
  const row = paper.get(id);
  if (!row) return null;
  const last = row.lastBarTime === null ? 'no bar traded yet' : `last bar ${utc(row.lastBarTime)}`;
  try {
    await trader.start(
      settingsOfRow(row),
      false,
      `Resumed after the app restarted (${utc(now())}); ${last}. Bars stored meanwhile were traded in order.`,
    );
    return `Paper account '${id}' resumed (it was running when the app last stopped).`;
  } catch (err) {
    resume.set(id, false);
    const why = err instanceof Error ? err.message : String(err);
    return `Paper account '${id}' was running when the app last stopped but could not resume: ${why}`;
  }
}

/** Why the running account cannot follow these settings, or null when it trades their series. */
export function seriesChangeNotice(
  account: { feed: string; symbols: readonly string[]; interval: string },
  next: Pick<Settings, 'feed' | 'symbols' | 'interval'>,
  time: number,
): string | null {
  const changes: string[] = [];
  if (account.interval !== next.interval)
    changes.push(
      `the interval changed to ${intervalName(next.interval)} (this account trades ${intervalName(account.interval)})`,
    );
  if (account.symbols.join(',') !== next.symbols.join(','))
    changes.push(`the symbols changed to ${next.symbols.join(', ')}`);
  if (account.feed !== next.feed) changes.push(`the feed changed to ${next.feed}`);
  if (changes.length === 0) return null;
  return (
    `Stopped at ${utc(time)}: ${changes.join('; ')}, so no more bars of its series arrive. ` +
    `Resume it after switching back, or start afresh on the new settings.`
  );
}
