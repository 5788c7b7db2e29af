// Paper trading hooks for the Live view: the account (re-read after every applied bar), its equity
// marks and fills (stored ones, then live events), the latest weights and attention, start and stop.
// The Live view trades one account, the core's default one.
import { useCallback, useEffect, useMemo, useRef, useState, type Dispatch, type SetStateAction } from 'react';
import type { CallParams, CallResult, EventPayload } from '../../../shared/contract';
import type { PaperAccount } from '../../../shared/contract/paper';
import { CoreError } from '../../../shared/errors';
import { useCoreConnection } from './CoreProvider';
import { useCall, useEvent } from './hooks';

export const PAPER_ACCOUNT_ID = 'default';
/** Fills kept on screen; older ones stay in the store. */
const FILLS_SHOWN = 100;

export interface EquityMark {
  time: number;
  equity: number;
  drawdown: number;
}

export type PaperFill = EventPayload<'paper.fill'>['fill'];
export type PaperAttention = EventPayload<'paper.attention'>;

export interface PaperWeights {
  /** Open time of the bar at whose close the weights were marked. */
  time: number;
  symbols: string[];
  /** Held weights at that close (signed notional / equity). */
  actual: number[];
  /** The strategy's last target, and the bar it was decided at; null before its first decision. */
  target: number[] | null;
  targetTime: number | null;
}

const mine = (accountId: string) => accountId === PAPER_ACCOUNT_ID;

/**
 * What events added on top of a stored page. When `generation` changes (the account was created
 * afresh) the live part is dropped and the stored page re-read, so the old account's marks and fills
 * never mix with the new one's.
 */
function useLiveSinceGeneration<T>(
  generation: number | null,
  reload: () => void,
): [T[], Dispatch<SetStateAction<T[]>>] {
  const [live, setLive] = useState<T[]>([]);
  const seen = useRef(generation);
  useEffect(() => {
    if (seen.current === generation) return;
    seen.current = generation;
    setLive([]);
    reload();
  }, [generation, reload]);
  return [live, setLive];
}

/** The account, re-read whenever a bar was applied (positions, P&L, running state). */
export function usePaperAccount() {
  const account = useCall('paper.account', { accountId: PAPER_ACCOUNT_ID });
  const { reload } = account;
  useEvent('paper.equity', (event) => {
    if (mine(event.accountId)) reload();
  });
  // Started, stopped or stopped for a reason (settings change, kill switch, error), by whoever.
  useEvent('paper.state', (event) => {
    if (mine(event.accountId)) reload();
  });
  return account;
}

/**
 * Equity marks of the account: the stored ones, then one per `paper.equity` event. `generation`
 * changes when the account is created afresh, which reloads the stored marks.
 */
export function usePaperEquity(generation: number | null): EquityMark[] {
  const stored = useCall('paper.equity', generation === null ? null : { accountId: PAPER_ACCOUNT_ID });
  const [live, setLive] = useLiveSinceGeneration<EquityMark>(generation, stored.reload);
  useEvent('paper.equity', (event) => {
    if (!mine(event.accountId)) return;
    setLive((marks) => [...marks, { time: event.time, equity: event.equity, drawdown: event.drawdown }]);
  });
  return useMemo(() => {
    const base = (stored.data ?? []).map((m) => ({ time: m.time, equity: m.equity, drawdown: m.drawdown }));
    const last = base.length > 0 ? base[base.length - 1]!.time : -Infinity;
    return [...base, ...live.filter((m) => m.time > last)];
  }, [stored.data, live]);
}

/** Recent fills, newest first: the stored page, with live fills added in front. */
export function usePaperFills(generation: number | null): PaperFill[] {
  const stored = useCall(
    'paper.fills',
    generation === null ? null : { accountId: PAPER_ACCOUNT_ID, limit: FILLS_SHOWN },
  );
  const [live, setLive] = useLiveSinceGeneration<PaperFill>(generation, stored.reload);
  useEvent('paper.fill', (event) => {
    if (mine(event.accountId)) setLive((fills) => [event.fill, ...fills].slice(0, FILLS_SHOWN));
  });
  return useMemo(() => {
    const keys = new Set<string>();
    const merged: PaperFill[] = [];
    for (const fill of [...live, ...(stored.data ?? [])]) {
      const key = fillKey(fill);
      if (keys.has(key)) continue;
      keys.add(key);
      merged.push(fill);
    }
    // Newest first by fill time; a bar's fills keep their order.
    merged.sort((a, b) => b.time - a.time);
    return merged.slice(0, FILLS_SHOWN);
  }, [stored.data, live]);
}

/** One fill per symbol, side and bar: what identifies a fill across the stored page and the events. */
function fillKey(fill: PaperFill): string {
  return `${fill.time}|${fill.decidedAt}|${fill.symbol}|${fill.side}|${fill.quantity}`;
}

/** The weights of the latest applied bar and the strategy's latest target. */
export function usePaperWeights(): PaperWeights | null {
  const [weights, setWeights] = useState<PaperWeights | null>(null);
  useEvent('paper.weights', (event) => {
    if (!mine(event.accountId)) return;
    setWeights((previous) => {
      const sameSymbols = previous !== null && previous.symbols.join() === event.symbols.join();
      return {
        time: event.time,
        symbols: event.symbols,
        actual: event.weights,
        target: event.target ?? (sameSymbols ? previous.target : null),
        targetTime: event.target ? event.time : sameSymbols ? previous.targetTime : null,
      };
    });
  });
  return weights;
}

/** The model's latest cross-asset attention, or null until it decides. */
export function usePaperAttention(): PaperAttention | null {
  const [attention, setAttention] = useState<PaperAttention | null>(null);
  useEvent('paper.attention', (event) => {
    if (mine(event.accountId)) setAttention(event);
  });
  return attention;
}

export type PaperStart = Omit<CallParams<'paper.start'>, 'accountId'>;

/** Start and stop as actions: one at a time, the last error kept for the user. */
export function usePaperControls(onDone: (account: PaperAccount | null) => void) {
  const { client } = useCoreConnection();
  const [busy, setBusy] = useState<'start' | 'stop' | null>(null);
  const [error, setError] = useState<CoreError | null>(null);
  const latest = useRef(onDone);
  latest.current = onDone;

  const run = useCallback(
    async (kind: 'start' | 'stop', action: () => Promise<CallResult<'paper.start' | 'paper.stop'>>) => {
      setBusy(kind);
      setError(null);
      try {
        latest.current(await action());
      } catch (err) {
        setError(err instanceof CoreError ? err : new CoreError('INTERNAL', String(err)));
      } finally {
        setBusy(null);
      }
    },
    [],
  );
  const start = useCallback(
    (params: PaperStart) =>
      run('start', () => client.call('paper.start', { ...params, accountId: PAPER_ACCOUNT_ID })),
    [client, run],
  );
  const stop = useCallback(
    () => run('stop', () => client.call('paper.stop', { accountId: PAPER_ACCOUNT_ID })),
    [client, run],
  );
  return { start, stop, busy, error, clearError: () => setError(null) };
}

/** The account the core trades now (any account id), or null when none runs; follows paper.state. */
export function useRunningPaperAccount(): PaperAccount | null {
  const current = useCall('paper.account', {});
  const { reload } = current;
  useEvent('paper.state', reload);
  return current.data?.running ? current.data : null;
}

export type PaperFunding = CallResult<'paper.funding'>[number];

/** The account's recent funding payments, newest first, re-read whenever a bar has been applied. */
export function usePaperFunding(account: PaperAccount | null): readonly PaperFunding[] {
  const call = useCall('paper.funding', account ? { accountId: PAPER_ACCOUNT_ID, limit: FILLS_SHOWN } : null);
  const { reload } = call;
  const lastBar = account?.lastBarTime ?? null;
  const generation = account?.createdAt ?? null;
  useEffect(() => {
    if (lastBar !== null) reload();
  }, [lastBar, generation, reload]);
  return call.data ?? [];
}
