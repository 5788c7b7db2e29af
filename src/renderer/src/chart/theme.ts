// The chart's colours, read from the theme's CSS variables (styles.css) when a chart is created, so
// that a chart made after a theme change matches the page. The fallbacks are the dark palette.
function cssVar(name: string, fallback: string): string {
  if (typeof document === 'undefined') return fallback;
  const value = getComputedStyle(document.documentElement).getPropertyValue(name).trim();
  return value || fallback;
}

export const chartColors = {
  get background() {
    return cssVar('--bg', '#0b0e14');
  },
  get text() {
    return cssVar('--muted', '#8b95a5');
  },
  get grid() {
    return cssVar('--chart-grid', '#161b24');
  },
  get border() {
    return cssVar('--border', '#222a36');
  },
  get crosshair() {
    return cssVar('--chart-crosshair', '#5c6b80');
  },
  get up() {
    return cssVar('--up', '#26a69a');
  },
  get down() {
    return cssVar('--down', '#ef5350');
  },
  get upVolume() {
    return cssVar('--up-volume', 'rgba(38, 166, 154, 0.35)');
  },
  get downVolume() {
    return cssVar('--down-volume', 'rgba(239, 83, 80, 0.35)');
  },
};

/** A CSS colour as the canvas needs it: var(--accent) and friends read from the theme. */
export function resolveColor(color: string): string {
  const match = /^var\((--[\w-]+)\)$/.exec(color.trim());
  return match ? cssVar(match[1]!, '#8b95a5') : color;
}
