// The desktop window's page comes from app://crossdesk/, a privileged custom scheme served by this
// handler, never from file://: only files under the built renderer are answered, and every answer
// carries the CSP and the other security headers (webRequest hooks are not known to apply to file://).
import { readFile } from 'node:fs/promises';
import { extname } from 'node:path';
import { normalisedPath } from '../host/request-checks';
import { CONTENT_TYPES, resolveStatic } from '../host/static-files';

export const APP_SCHEME = 'app';
export const APP_HOST = 'crossdesk';
export const APP_ORIGIN = `${APP_SCHEME}://${APP_HOST}`;
export const APP_INDEX_URL = `${APP_ORIGIN}/index.html`;

/**
 * The page needs nothing from the network: it reaches the core over IPC (the preload's envelope port),
 * so connect-src is 'none'. Scripts, styles, fonts and images only from the app's own files.
 */
export const DESKTOP_CSP = [
  "default-src 'none'",
  "script-src 'self'",
  "style-src 'self'",
  "img-src 'self' data: blob:",
  "font-src 'self'",
  "connect-src 'none'",
  "worker-src 'none'",
  "frame-src 'none'",
  "object-src 'none'",
  "base-uri 'none'",
  "form-action 'none'",
  "frame-ancestors 'none'",
].join('; ');

export const SECURITY_HEADERS: Readonly<Record<string, string>> = {
  'content-security-policy': DESKTOP_CSP,
  'x-content-type-options': 'nosniff',
  'referrer-policy': 'no-referrer',
  'cross-origin-opener-policy': 'same-origin',
  'cross-origin-resource-policy': 'same-origin',
  'x-frame-options': 'DENY',
  'permissions-policy': 'camera=(), microphone=(), geolocation=(), usb=(), serial=(), hid=()',
  'cache-control': 'no-cache',
};

/**
 * Whether a URL is one of the app's own pages. Compares scheme and host: Node's URL gives custom schemes
 * an opaque origin ('null'), so `origin` cannot be compared in the main process.
 */
export function isAppUrl(url: string, devOrigin: string | null = null): boolean {
  try {
    const parsed = new URL(url);
    if (parsed.protocol === `${APP_SCHEME}:` && parsed.host === APP_HOST) return true;
    return devOrigin !== null && parsed.origin === devOrigin;
  } catch {
    return false;
  }
}

/** Privileges for app:// (registered before the app is ready): a standard, secure origin. */
export const APP_SCHEME_PRIVILEGES = {
  scheme: APP_SCHEME,
  privileges: { standard: true, secure: true, supportFetchAPI: false, corsEnabled: false, stream: false },
};

function answer(status: number, body: string | Uint8Array, type: string): Response {
  // A copy into a plain ArrayBuffer: Response takes no view of a possibly shared buffer.
  return new Response(typeof body === 'string' ? body : new Uint8Array(body), {
    status,
    headers: { ...SECURITY_HEADERS, 'content-type': type },
  });
}

/** The protocol handler: a file of the built renderer with the headers, or 404/405 for anything else. */
export function rendererProtocolHandler(rendererDir: string): (request: Request) => Promise<Response> {
  return async (request) => {
    if (request.method !== 'GET' && request.method !== 'HEAD') {
      return answer(405, 'Method not allowed.\n', 'text/plain; charset=utf-8');
    }
    const url = new URL(request.url);
    if (url.protocol !== `${APP_SCHEME}:` || url.host !== APP_HOST) {
      return answer(404, 'Not found.\n', 'text/plain; charset=utf-8');
    }
    // Decoded and normalised once, as the headless host does, so every spelling names the same file.
    const decoded = normalisedPath(url.pathname);
    const path = decoded === '/' ? '/index.html' : decoded;
    const file = path === null ? null : resolveStatic(rendererDir, path);
    if (!file) return answer(404, 'Not found.\n', 'text/plain; charset=utf-8');
    const body = await readFile(file);
    return answer(
      200,
      request.method === 'HEAD' ? '' : body,
      CONTENT_TYPES.get(extname(file)) ?? 'application/octet-stream',
    );
  };
}
