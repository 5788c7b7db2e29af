// How the Models view writes losses, shares, durations and times.

export function formatLoss(value: number | null | undefined): string {
  if (value === null || value === undefined || !Number.isFinite(value)) return '—';
  return Math.abs(value) >= 100 ? value.toFixed(1) : value.toFixed(4);
}

/** A share 0..1 as a percent, e.g. 0.4815 → '48.2%'. */
export function formatPercent(value: number | null | undefined, digits = 1): string {
  if (value === null || value === undefined || !Number.isFinite(value)) return '—';
  return `${(value * 100).toFixed(digits)}%`;
}

/** 950 → '950 ms', 4_600 → '4.6 s', 125_000 → '2 min 5 s'. */
export function formatDuration(ms: number): string {
  if (!Number.isFinite(ms) || ms < 0) return '—';
  if (ms < 1_000) return `${Math.round(ms)} ms`;
  if (ms < 60_000) return `${(ms / 1_000).toFixed(1)} s`;
  const minutes = Math.floor(ms / 60_000);
  const seconds = Math.round((ms % 60_000) / 1_000);
  return minutes < 60 ? `${minutes} min ${seconds} s` : `${Math.floor(minutes / 60)} h ${minutes % 60} min`;
}

/** UTC date and minute: the same clock as the candle store. */
export function formatTime(time: number): string {
  return `${new Date(time).toISOString().slice(0, 16).replace('T', ' ')}`;
}

/** BTCUSDT → BTC: every symbol of a model is quoted in the same currency, so the base names them. */
export function baseAsset(symbol: string): string {
  return symbol.replace(/(USDT|USDC|PERP)$/, '') || symbol;
}
