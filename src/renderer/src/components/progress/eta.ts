// How long slow work has run and will still run, from its share done: a plain extrapolation of the
// pace so far, shown only once there is a pace to extrapolate (some work done, a second elapsed).
import { formatDuration } from '../../format';

/** Share of the work below which the pace says too little to extrapolate. */
const MIN_FRACTION = 0.02;
const MIN_ELAPSED_MS = 1_000;

/** Milliseconds still to go at the pace so far, or null while there is no pace yet. */
export function remainingMs(elapsedMs: number, fraction: number): number | null {
  if (!(fraction >= MIN_FRACTION) || fraction >= 1 || elapsedMs < MIN_ELAPSED_MS) return null;
  return (elapsedMs * (1 - fraction)) / fraction;
}

/** '12.0 s elapsed · ETA 30.0 s', or '1.2 s elapsed · estimating…' before there is a pace. */
export function timingText(elapsedMs: number, fraction: number): string {
  const eta = remainingMs(elapsedMs, fraction);
  return `${formatDuration(elapsedMs)} elapsed · ${eta === null ? 'estimating…' : `ETA ${formatDuration(eta)}`}`;
}
