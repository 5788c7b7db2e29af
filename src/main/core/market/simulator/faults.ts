// Fault injection: which faults are armed, the seeded decisions, and the count of faults actually
// injected. Probabilities are drawn per bar (per symbol or per connection); the three budgets
// (refuseConnections, rest403, rest10006) are counts of upcoming attempts to spoil.
import { chance, hashSeed, mulberry32, type Rng } from './prng';

export interface FaultConfig {
  /** Probability per confirm frame: drop it (the client must fetch that bar from REST). */
  dropConfirm: number;
  /** Probability per confirm frame: send it twice. */
  duplicateConfirm: number;
  /** Probability per bar and symbol: resend an older (earlier timestamp, lower volume) update after a newer one. */
  reorder: number;
  /** Probability per bar per connection: destroy the TCP socket without a close frame, sometimes just before a confirm. */
  cutSocket: number;
  /** Probability per bar per connection: send a malformed text frame (not JSON, or the wrong shape). */
  malformed: number;
  /** Refuse this many upcoming websocket connection attempts (HTTP 503 on upgrade, or a destroyed socket). */
  refuseConnections: number;
  /** Answer this many upcoming REST requests with HTTP 403 (IP ban style). */
  rest403: number;
  /** Answer this many upcoming REST requests with retCode 10006 "Too many visits!". */
  rest10006: number;
}

export type FaultKind = keyof FaultConfig;

export const FAULT_KINDS: readonly FaultKind[] = [
  'dropConfirm',
  'duplicateConfirm',
  'reorder',
  'cutSocket',
  'malformed',
  'refuseConnections',
  'rest403',
  'rest10006',
];

export const NO_FAULTS: FaultConfig = {
  dropConfirm: 0,
  duplicateConfirm: 0,
  reorder: 0,
  cutSocket: 0,
  malformed: 0,
  refuseConnections: 0,
  rest403: 0,
  rest10006: 0,
};

export class FaultInjector {
  private config: FaultConfig;
  private readonly counts: Record<FaultKind, number>;
  /** One stream per decision family, so arming one kind does not shift the others' schedule. */
  private readonly streams: Record<'symbol' | 'connection', Rng>;

  constructor(faults: Partial<FaultConfig> = {}, seed = 1) {
    this.config = { ...NO_FAULTS, ...faults };
    this.counts = { ...NO_FAULTS };
    this.streams = {
      symbol: mulberry32(hashSeed(seed, 'faults', 'symbol')),
      connection: mulberry32(hashSeed(seed, 'faults', 'connection')),
    };
  }

  set(faults: Partial<FaultConfig>): void {
    this.config = { ...this.config, ...faults };
  }

  get current(): Readonly<FaultConfig> {
    return this.config;
  }

  /** Faults injected so far. */
  injected(): Record<FaultKind, number> {
    return { ...this.counts };
  }

  record(kind: FaultKind): void {
    this.counts[kind]++;
  }

  /** Per bar and symbol: the confirm and reorder decisions (always three draws). */
  barDecisions(): { dropConfirm: boolean; duplicateConfirm: boolean; reorder: boolean } {
    const rng = this.streams.symbol;
    const dropConfirm = chance(rng, this.config.dropConfirm);
    const duplicateConfirm = chance(rng, this.config.duplicateConfirm);
    const reorder = chance(rng, this.config.reorder);
    return { dropConfirm, duplicateConfirm: duplicateConfirm && !dropConfirm, reorder };
  }

  /**
   * Per bar and connection: at which push step (1..steps, where `steps` is just before the confirm)
   * to cut the socket or send a malformed frame, or null for none.
   */
  connectionDecisions(steps: number): { cutAt: number | null; malformedAt: number | null } {
    const rng = this.streams.connection;
    const cut = chance(rng, this.config.cutSocket);
    // Half of the cuts land just before the confirm frame: the bar must then come from REST.
    const cutBeforeConfirm = rng() < 0.5;
    const cutStep = 1 + Math.floor(rng() * steps);
    const malformed = chance(rng, this.config.malformed);
    const malformedStep = 1 + Math.floor(rng() * steps);
    return {
      cutAt: cut ? (cutBeforeConfirm ? steps : cutStep) : null,
      malformedAt: malformed ? malformedStep : null,
    };
  }

  /** A connection attempt: true when it must be refused (spends the budget). */
  takeRefusal(): boolean {
    return this.take('refuseConnections');
  }

  /** A REST request: which spoiled answer to give, if any (spends the budget). */
  takeRestFault(): 'rest403' | 'rest10006' | null {
    if (this.take('rest403')) return 'rest403';
    if (this.take('rest10006')) return 'rest10006';
    return null;
  }

  /** A uniform for choices inside a fault (e.g. which malformed text), from the connection stream. */
  uniform(): number {
    return this.streams.connection();
  }

  private take(kind: 'refuseConnections' | 'rest403' | 'rest10006'): boolean {
    if (this.config[kind] < 1) return false;
    this.config[kind]--;
    this.counts[kind]++;
    return true;
  }
}
