// The geometry the SVG charts share: one padding around the plot (room for the value labels on the
// left and the time labels below), so panels stacked in a column line their plots up, and the linear
// maps from data to pixels inside it.

export const PLOT_PADDING = { left: 56, right: 10, top: 8, bottom: 22 } as const;
/** About this many labelled values on each axis. */
export const Y_TICKS = 4;
export const X_TICKS = 4;

export interface PlotFrame {
  /** The whole SVG. */
  width: number;
  height: number;
  /** The plot's edges in SVG pixels. */
  left: number;
  right: number;
  top: number;
  bottom: number;
  plotWidth: number;
  plotHeight: number;
}

export function plotFrame(width: number, height: number): PlotFrame {
  const plotWidth = Math.max(width - PLOT_PADDING.left - PLOT_PADDING.right, 10);
  const plotHeight = Math.max(height - PLOT_PADDING.top - PLOT_PADDING.bottom, 10);
  return {
    width,
    height,
    left: PLOT_PADDING.left,
    right: PLOT_PADDING.left + plotWidth,
    top: PLOT_PADDING.top,
    bottom: PLOT_PADDING.top + plotHeight,
    plotWidth,
    plotHeight,
  };
}

export interface PlotScales {
  sx: (x: number) => number;
  sy: (y: number) => number;
}

/** Data to pixels: x0 at the left edge, x1 at the right, y0 at the bottom, y1 at the top. */
export function plotScales(frame: PlotFrame, x0: number, x1: number, y0: number, y1: number): PlotScales {
  return {
    sx: (x) => frame.left + ((x - x0) / (x1 - x0 || 1)) * frame.plotWidth,
    sy: (y) => frame.top + (1 - (y - y0) / (y1 - y0 || 1)) * frame.plotHeight,
  };
}
