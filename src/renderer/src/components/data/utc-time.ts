// Candle times on the Data view are UTC, as the exchange and the CLI write them; a
// datetime-local input's value is read as UTC too, whatever the machine's time zone.

/** '2024-05-01 13:00' (UTC), or '—'. Seconds are shown only when the time has them. */
export function formatUtc(ms: number | null): string {
  if (ms === null) return '—';
  const iso = new Date(ms).toISOString();
  return iso.slice(11, 19).endsWith(':00')
    ? `${iso.slice(0, 10)} ${iso.slice(11, 16)}`
    : `${iso.slice(0, 10)} ${iso.slice(11, 19)}`;
}

/** A datetime-local value ('2024-05-01T13:00') for an epoch ms, in UTC. */
export function toUtcInput(ms: number): string {
  return new Date(ms).toISOString().slice(0, 16);
}

/** Epoch ms of a datetime-local value read as UTC; NaN when empty or malformed. */
export function parseUtcInput(value: string): number {
  if (!/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2})?$/.test(value)) return Number.NaN;
  return Date.parse(`${value}Z`);
}
