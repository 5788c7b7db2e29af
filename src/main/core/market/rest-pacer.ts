// Pacing of public REST requests so that the app never gets the user's IP banned. Bybit allows 600
// requests per 5 s per IP across all of api.bybit.com and answers HTTP 403 beyond it, then refuses
// the IP for at least 10 minutes. One token bucket per exchange host and process (every BybitRest of
// the process talking to that host shares it): 100 requests/s with a burst of 50, so any 5 s window
// holds at most 50 + 5 × 100 = 550 requests, 50 under the limit for the jitter of the network and
// clocks. A 403 stops every request to that host for 10 minutes, with the time it ends in the error.
import { CoreError } from '../../../shared/errors';
import { sleep as defaultSleep } from './backoff';

/** Bybit's documented public limit (its API rate-limit page: 600 requests per 5 s per IP). */
export const BYBIT_IP_LIMIT = { maxRequests: 600, windowMs: 5000 } as const;
/** What one process sends at most: sustained rate and burst of the bucket. */
export const DEFAULT_PACE = { ratePerSecond: 100, burst: 50 } as const;
/** How long a 403 stops a host: Bybit's ban lasts at least 10 minutes. */
export const BAN_MS = 10 * 60_000;

export interface PacerOptions {
  ratePerSecond?: number;
  burst?: number;
  /** Epoch ms. */
  now?: () => number;
  sleep?: (ms: number, signal?: AbortSignal) => Promise<void>;
}

export class RestPacer {
  readonly ratePerSecond: number;
  readonly burst: number;
  private readonly now: () => number;
  private readonly sleepFn: (ms: number, signal?: AbortSignal) => Promise<void>;
  private tokens: number;
  private refilledAt: number;
  private bannedUntil = 0;
  private bannedAt = 0;
  /** Requests let through, for benchmarks and tests. */
  sent = 0;

  constructor(
    readonly host: string,
    options: PacerOptions = {},
  ) {
    this.ratePerSecond = options.ratePerSecond ?? DEFAULT_PACE.ratePerSecond;
    this.burst = options.burst ?? DEFAULT_PACE.burst;
    this.now = options.now ?? Date.now;
    this.sleepFn = options.sleep ?? defaultSleep;
    this.tokens = this.burst;
    this.refilledAt = this.now();
  }

  /**
   * Waits for a token. Concurrent callers each reserve one (the balance may go negative) and sleep
   * until their token has been earned, so the rate holds whatever the number of callers.
   */
  async take(signal?: AbortSignal): Promise<void> {
    this.throwIfBanned();
    const now = this.now();
    this.tokens = Math.min(this.burst, this.tokens + ((now - this.refilledAt) / 1000) * this.ratePerSecond);
    this.refilledAt = now;
    this.tokens -= 1;
    if (this.tokens < 0) {
      const waitMs = Math.ceil((-this.tokens / this.ratePerSecond) * 1000);
      try {
        await this.sleepFn(waitMs, signal);
      } catch (err) {
        this.tokens += 1;
        throw err;
      }
      this.throwIfBanned();
    }
    this.sent++;
  }

  /** Records a 403 from the host: no request goes to it for BAN_MS. Returns the error to report. */
  banned(): CoreError {
    this.bannedAt = this.now();
    this.bannedUntil = this.bannedAt + BAN_MS;
    return this.banError(true);
  }

  /** Epoch ms until which the host is stopped, or null. */
  get stoppedUntil(): number | null {
    return this.now() < this.bannedUntil ? this.bannedUntil : null;
  }

  private throwIfBanned(): void {
    if (this.now() < this.bannedUntil) throw this.banError(false);
  }

  private banError(justNow: boolean): CoreError {
    const until = new Date(this.bannedUntil).toISOString().slice(11, 19);
    const leftMs = Math.max(0, this.bannedUntil - this.now());
    const left = `${Math.floor(leftMs / 60_000)} min ${Math.ceil((leftMs % 60_000) / 1000)} s`;
    const what = justNow
      ? `${this.host} refused a request with HTTP 403`
      : `${this.host} refused a request with HTTP 403 at ${new Date(this.bannedAt).toISOString().slice(11, 19)} UTC`;
    return new CoreError(
      'RATE_LIMITED',
      `${what}. On Bybit this is an IP ban for too many requests (over 600 per 5 s), so CrossDesk sends ` +
        `nothing to it for 10 minutes, until ${until} UTC (${left} from now); try again after that. ` +
        `(Bybit also answers 403 to IPs in the US and mainland China.)`,
      { status: 403, stoppedUntil: this.bannedUntil, host: this.host },
    );
  }
}

const pacers = new Map<string, RestPacer>();

/** The process-wide pacer of a base URL's host (scheme + host + port). */
export function pacerFor(baseUrl: string): RestPacer {
  let host: string;
  try {
    host = new URL(baseUrl).origin;
  } catch {
    host = baseUrl;
  }
  let pacer = pacers.get(host);
  if (!pacer) pacers.set(host, (pacer = new RestPacer(host)));
  return pacer;
}
