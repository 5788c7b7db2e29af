// What the headless host accepts of a request's URL, Host and Origin. Pure functions, so that the
// rules can be tested on every spelling without a server.
import { posix } from 'node:path';

/**
 * The path a URL names once percent-decoded and normalised (`/%69ndex.html`, `/.%2findex.html` and
 * `/assets/..%2findex.html` are all `/index.html`), or null when it cannot name a file (bad escapes,
 * NUL bytes). Backslashes count as separators, as some clients send them.
 */
export function normalisedPath(rawUrl: string): string | null {
  const pathPart = rawUrl.split(/[?#]/, 1)[0] ?? '/';
  let decoded: string;
  try {
    decoded = decodeURIComponent(pathPart);
  } catch {
    return null;
  }
  if (decoded.includes('\0')) return null;
  const normal = posix.normalize(`/${decoded.replace(/\\/g, '/')}`);
  // normalize keeps a leading '//' and a trailing '/.'; neither names anything else.
  const single = normal.replace(/^\/+/, '/');
  return single.length > 1 ? single.replace(/\/\.?$/, '') || '/' : single;
}

/** True for http://127.0.0.1:PORT and http://localhost:PORT (the page's own origins), nothing else. */
export function allowedOrigin(origin: string, port: number): boolean {
  return origin === `http://127.0.0.1:${port}` || origin === `http://localhost:${port}`;
}
