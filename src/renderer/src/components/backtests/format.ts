// How backtest figures read: times in UTC (runs are stored in exchange time), signed percentages,
// ratios that may be missing (null: too few bars to say).

const pad = (n: number) => String(n).padStart(2, '0');

/** '2024-05-01 12:00' (UTC). */
export function formatTime(ms: number): string {
  const d = new Date(ms);
  return `${d.getUTCFullYear()}-${pad(d.getUTCMonth() + 1)}-${pad(d.getUTCDate())} ${pad(d.getUTCHours())}:${pad(d.getUTCMinutes())}`;
}

/** '05-01 12:00' for chart axes, where the year is rarely news. */
export function formatAxisTime(ms: number): string {
  const d = new Date(ms);
  return `${pad(d.getUTCMonth() + 1)}-${pad(d.getUTCDate())} ${pad(d.getUTCHours())}:${pad(d.getUTCMinutes())}`;
}

export function formatDate(ms: number): string {
  return formatTime(ms).slice(0, 10);
}

export function formatPercent(value: number | null | undefined, digits = 2, signed = true): string {
  if (value === null || value === undefined || !Number.isFinite(value)) return '—';
  const sign = signed && value > 0 ? '+' : '';
  const percent = value * 100;
  // Never exponent notation: a huge figure is shown whole, in grouped digits (toFixed would switch to
  // exponents from 1e21).
  if (Math.abs(percent) >= 1e5) return `${sign}${grouped(percent)}%`;
  return `${sign}${percent.toFixed(digits)}%`;
}

export function formatRatio(value: number | null | undefined, digits = 2): string {
  if (value === null || value === undefined || !Number.isFinite(value)) return '—';
  if (Math.abs(value) >= 1e5) return grouped(value);
  return value.toFixed(digits);
}

/** Whole number with thousands separators, never in exponent notation. */
function grouped(value: number): string {
  return value.toLocaleString('en-US', { maximumFractionDigits: 0, useGrouping: true, notation: 'standard' });
}

/** '1.23 [0.10, 2.40]': an estimate with its 95% interval, or the estimate alone when there is none. */
export function formatWithInterval(
  value: number | null | undefined,
  interval: { low: number | null; high: number | null } | undefined,
  digits = 2,
): string {
  const estimate = formatRatio(value, digits);
  if (!interval || interval.low === null || interval.high === null) return estimate;
  return `${estimate} [${formatRatio(interval.low, digits)}, ${formatRatio(interval.high, digits)}]`;
}

/** 12,345.67 style money, or 1.2M when large. */
export function formatMoney(value: number): string {
  if (!Number.isFinite(value)) return '—';
  if (Math.abs(value) >= 1e6) return `${(value / 1e6).toFixed(2)}M`;
  return value.toLocaleString('en-US', { minimumFractionDigits: 2, maximumFractionDigits: 2 });
}

export function formatCompact(value: number): string {
  if (!Number.isFinite(value)) return '—';
  const abs = Math.abs(value);
  if (abs >= 1e6) return `${(value / 1e6).toFixed(2)}M`;
  if (abs >= 1e4) return `${(value / 1e3).toFixed(1)}k`;
  return value.toFixed(abs >= 100 ? 0 : 2);
}

export function formatDuration(ms: number): string {
  if (!Number.isFinite(ms) || ms <= 0) return '—';
  const hours = ms / 3_600_000;
  if (hours < 48) return `${hours.toFixed(hours < 10 ? 1 : 0)}h`;
  return `${(hours / 24).toFixed(1)}d`;
}

/** A value of an <input type="datetime-local">, read as UTC. */
export function parseUtcInput(value: string): number | null {
  if (!/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}/.test(value)) return null;
  const ms = Date.parse(`${value}Z`);
  return Number.isFinite(ms) ? ms : null;
}

export function toUtcInput(ms: number): string {
  return formatTime(ms).replace(' ', 'T');
}

/** Up/down class of a signed figure. */
export function signClass(value: number | null | undefined): string {
  if (value === null || value === undefined || value === 0 || !Number.isFinite(value)) return '';
  return value > 0 ? 'is-up' : 'is-down';
}
