// Axis arithmetic shared by the SVG charts.

/**
 * About `n` round tick values inside [lo, hi]: steps of 1, 2 or 5 times a power of ten, so axes read
 * 1 2 3 4 rather than 1 1.8 2.5 3.3.
 */
export function ticks(lo: number, hi: number, n: number): number[] {
  if (!(hi > lo)) return [lo];
  const rough = (hi - lo) / n;
  const power = 10 ** Math.floor(Math.log10(rough));
  // The round step whose number of intervals comes closest to n.
  const steps = [1, 2, 5, 10].map((m) => m * power);
  const step = steps.reduce((best, s) =>
    Math.abs((hi - lo) / s - n) < Math.abs((hi - lo) / best - n) ? s : best,
  );
  const decimals = Math.max(0, -Math.floor(Math.log10(step)));
  const values: number[] = [];
  // Integer multiples of the step, rounded to its decimals: no 0.30000000000000004, no -0.
  for (let k = Math.ceil(lo / step - 1e-9); k * step <= hi + step * 1e-9; k++) {
    values.push(Number((k * step).toFixed(decimals)) || 0);
  }
  return values;
}

/** Where an x label anchors so that it stays inside the plot: ends hug the edges they are near. */
export function labelAnchor(x: number, left: number, right: number): 'start' | 'middle' | 'end' {
  const near = (right - left) * 0.08;
  if (x - left < near) return 'start';
  if (right - x < near) return 'end';
  return 'middle';
}

/** `n` evenly spaced values from `lo` to `hi` inclusive, so both ends are labelled. */
export function evenTicks(lo: number, hi: number, n: number): number[] {
  if (hi === lo) return [lo];
  return Array.from({ length: n + 1 }, (_, i) => lo + ((hi - lo) * i) / n);
}
