// Feed name → where its REST and websocket endpoints are. 'bybit' and 'bybit-testnet' are built in;
// the embedded simulator's URLs are filled into the settings by the core (embedded-feed.ts) while it
// runs; any other feed is custom and needs URLs from the call or the settings.
import { CoreError } from '../../../shared/errors';

export interface FeedEndpoints {
  feed: string;
  restUrl: string;
  wsUrl: string;
}

// A Map: a feed named `constructor` or `__proto__` is a custom feed, not a member of Object.prototype.
export const KNOWN_FEEDS: ReadonlyMap<string, { restUrl: string; wsUrl: string }> = new Map([
  ['bybit', { restUrl: 'https://api.bybit.com', wsUrl: 'wss://stream.bybit.com/v5/public/linear' }],
  [
    'bybit-testnet',
    { restUrl: 'https://api-testnet.bybit.com', wsUrl: 'wss://stream-testnet.bybit.com/v5/public/linear' },
  ],
]);

export const SIMULATOR_FEED = 'simulator';

export interface EndpointOverrides {
  restUrl?: string | null;
  wsUrl?: string | null;
}

/**
 * Endpoints of `feed`. Explicit URLs (call params) win for every feed, so a test or a proxy can stand
 * in for Bybit; the settings' URLs apply to the simulator and custom feeds only (for Bybit they would
 * be left over from another feed).
 */
export function resolveFeed(
  feed: string,
  explicit: EndpointOverrides = {},
  settings: EndpointOverrides = {},
): FeedEndpoints {
  const known = KNOWN_FEEDS.get(feed);
  if (known) {
    return { feed, restUrl: explicit.restUrl || known.restUrl, wsUrl: explicit.wsUrl || known.wsUrl };
  }
  const restUrl = explicit.restUrl || settings.restUrl || null;
  const wsUrl = explicit.wsUrl || settings.wsUrl || null;
  if (restUrl && wsUrl) return { feed, restUrl, wsUrl };
  throw missingUrls(feed, 'endpoints with --rest-url and --ws-url (or restUrl and wsUrl in the settings)', {
    restUrl,
    wsUrl,
  });
}

/** Like resolveFeed, for calls that need REST only (backfill): the websocket URL may be missing. */
export function resolveRestUrl(
  feed: string,
  explicit: EndpointOverrides = {},
  settings: EndpointOverrides = {},
): string {
  const known = KNOWN_FEEDS.get(feed);
  if (known) return explicit.restUrl || known.restUrl;
  const restUrl = explicit.restUrl || settings.restUrl || null;
  if (restUrl) return restUrl;
  throw missingUrls(feed, 'REST endpoint with --rest-url (or restUrl in the settings)', { restUrl });
}

function missingUrls(feed: string, what: string, details: object): CoreError {
  const message =
    feed === SIMULATOR_FEED
      ? `The embedded simulator is not running for this call: select the 'simulator' feed in the settings, or give its ${what}.`
      : `The feed '${feed}' is not built in (bybit, bybit-testnet, simulator): give its ${what}.`;
  return new CoreError('INVALID_PARAMS', message, { feed, ...details });
}
