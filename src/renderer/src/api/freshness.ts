// How old a live figure is, for the window to say so: a clock that ticks while mounted, the age in
// words, and whether a figure's source has stopped (the core unreachable, or nothing new for too long).
import { useEffect, useState } from 'react';
import { useLink } from './hooks';

/** The browser's time, re-read every `everyMs` while the component is mounted. */
export function useNow(everyMs = 1_000): number {
  const [now, setNow] = useState(() => Date.now());
  useEffect(() => {
    const timer = setInterval(() => setNow(Date.now()), everyMs);
    return () => clearInterval(timer);
  }, [everyMs]);
  return now;
}

/** "4 s ago", "3 min ago", "2 h ago"; "—" when never. */
export function formatAge(ageMs: number | null): string {
  if (ageMs === null) return '—';
  const s = Math.max(0, Math.round(ageMs / 1000));
  if (s < 60) return `${s} s ago`;
  if (s < 3600) return `${Math.floor(s / 60)} min ago`;
  return `${Math.floor(s / 3600)} h ago`;
}

export interface Freshness {
  /** ms since the figure last changed, or null when it never did. */
  ageMs: number | null;
  /** Its source has stopped: the core is unreachable, or nothing came for longer than allowed. */
  stale: boolean;
  text: string;
}

/** The freshness of a figure last updated at `at` (browser time), stale after `staleAfterMs`. */
export function useFreshness(at: number | null, staleAfterMs: number): Freshness {
  const now = useNow();
  const link = useLink();
  const ageMs = at === null ? null : now - at;
  const stale = link.state !== 'connected' || ageMs === null || ageMs > staleAfterMs;
  return { ageMs, stale, text: link.state !== 'connected' ? 'core unreachable' : formatAge(ageMs) };
}

/** Browser time at which `value` last changed (by identity), or null while it is undefined. */
export function useChangedAt(value: unknown): number | null {
  const [at, setAt] = useState<number | null>(null);
  useEffect(() => {
    if (value !== undefined) setAt(Date.now());
  }, [value]);
  return at;
}
