// A one-line progress bar on stderr, drawn only on a terminal (never in --json mode or when piped).
const WIDTH = 28;
const REDRAW_MS = 100;

export class ProgressBar {
  private lastDraw = 0;
  private drawn = false;
  private readonly enabled: boolean;

  constructor(
    private readonly stream: NodeJS.WriteStream,
    private readonly label: string,
    enabled = true,
  ) {
    this.enabled = enabled && stream.isTTY === true;
  }

  update(done: number, total: number | null, message = ''): void {
    if (!this.enabled) return;
    const now = Date.now();
    if (now - this.lastDraw < REDRAW_MS && (total === null || done < total)) return;
    this.lastDraw = now;
    const columns = this.stream.columns ?? 80;
    let line: string;
    if (total && total > 0) {
      const ratio = Math.min(1, done / total);
      const filled = Math.round(ratio * WIDTH);
      const bar = `${'█'.repeat(filled)}${'░'.repeat(WIDTH - filled)}`;
      line = `${this.label} ${bar} ${(ratio * 100).toFixed(0).padStart(3)}% ${done}/${total} ${message}`;
    } else {
      line = `${this.label} ${done} ${message}`;
    }
    this.stream.write(`\r${line.slice(0, columns - 1).padEnd(Math.min(columns - 1, line.length))}\x1b[K`);
    this.drawn = true;
  }

  /** Clears the bar so that the next line starts clean. */
  finish(): void {
    if (this.enabled && this.drawn) this.stream.write('\r\x1b[K');
    this.drawn = false;
  }
}
