// The chart's colours, matched to styles.css (dark trading-terminal palette).
export const chartColors = {
  background: '#0b0e14',
  text: '#8b95a5',
  grid: '#161b24',
  border: '#222a36',
  crosshair: '#5c6b80',
  up: '#26a69a',
  down: '#ef5350',
  upVolume: 'rgba(38, 166, 154, 0.35)',
  downVolume: 'rgba(239, 83, 80, 0.35)',
} as const;
