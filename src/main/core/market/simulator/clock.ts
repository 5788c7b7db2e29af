// The simulator's accelerated clock: simulated time runs intervalMs / barMs times faster than real
// time, can be paused, and can be frozen at a point (when a test asks for a fixed number of bars).
import { performance } from 'node:perf_hooks';

export class SimClock {
  private readonly speed: number;
  private readonly realStart: number;
  private pausedAt: number | null = null;
  private pausedTotal = 0;
  private frozenAt: number | null = null;

  constructor(
    private readonly startTime: number,
    intervalMs: number,
    barMs: number,
    private readonly realNow: () => number = () => performance.now(),
  ) {
    if (!(barMs > 0)) throw new Error('simulator: barMs must be positive');
    this.speed = intervalMs / barMs;
    this.realStart = realNow();
  }

  /** Simulated exchange time in epoch ms. */
  now(): number {
    const real = (this.pausedAt ?? this.realNow()) - this.realStart - this.pausedTotal;
    const simulated = this.startTime + Math.floor(real * this.speed);
    return this.frozenAt === null ? simulated : Math.min(simulated, this.frozenAt);
  }

  get paused(): boolean {
    return this.pausedAt !== null || this.frozenAt !== null;
  }

  pause(): void {
    if (this.pausedAt === null) this.pausedAt = this.realNow();
  }

  resume(): void {
    if (this.pausedAt === null) return;
    this.pausedTotal += this.realNow() - this.pausedAt;
    this.pausedAt = null;
  }

  /** Simulated time never passes `time` from now on. */
  freezeAt(time: number): void {
    this.frozenAt = time;
  }

  /** Real ms until the clock shows `time`; Infinity while paused or frozen before it. */
  realDelayUntil(time: number): number {
    const now = this.now();
    if (time <= now) return 0;
    if (this.paused) return Infinity;
    return Math.ceil((time - now) / this.speed);
  }
}
