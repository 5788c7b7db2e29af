// How numbers and intervals read on screen.

/** Bybit interval codes as traders write them: '1' → 1m, '60' → 1h, 'D' → 1D, 'M' → 1Mo. */
export function formatInterval(interval: string): string {
  if (/^\d+$/.test(interval)) {
    const minutes = Number(interval);
    return minutes % 60 === 0 ? `${minutes / 60}h` : `${minutes}m`;
  }
  return { D: '1D', W: '1W', M: '1Mo' }[interval] ?? interval;
}

export function formatLatency(ms: number | null): string {
  if (ms === null) return '—';
  return ms < 1000 ? `${Math.round(ms)} ms` : `${(ms / 1000).toFixed(1)} s`;
}

/** Signed percent change from open to close, e.g. '+0.42%'. */
export function formatChange(open: number, close: number): string {
  const change = open === 0 ? 0 : ((close - open) / open) * 100;
  return `${change >= 0 ? '+' : ''}${change.toFixed(2)}%`;
}
