// Defaults that deny, for every web contents the app creates (the window, and anything a compromised
// page might try to open): no navigation away from the app, no frames, no webviews, no new windows,
// no permissions. Links the app shows open in the user's browser, and only for the hosts listed here.
import type { Session, Shell, WebContents } from 'electron';
import { isAppUrl as insideApp } from './renderer-protocol';

/** Every host the app links to (the chart's attribution). A link to any other host does nothing. */
export const EXTERNAL_LINK_HOSTS: readonly string[] = ['www.tradingview.com'];

export function isAllowedExternalUrl(url: string): boolean {
  try {
    const parsed = new URL(url);
    return parsed.protocol === 'https:' && !parsed.username && EXTERNAL_LINK_HOSTS.includes(parsed.hostname);
  } catch {
    return false;
  }
}

export interface GuardOptions {
  shell: Pick<Shell, 'openExternal'>;
  /** The dev server's origin when running under the development flag, else null. */
  devOrigin: string | null;
  log?: (line: string) => void;
}

export function guardWebContents(contents: WebContents, options: GuardOptions): void {
  const log = options.log ?? ((line: string) => console.error(line));
  const refuse = (what: string, url: string) => log(`refused ${what}: ${url.slice(0, 200)}`);
  contents.on('will-navigate', (event) => {
    if (!insideApp(event.url, options.devOrigin)) {
      event.preventDefault();
      refuse('a navigation', event.url);
    }
  });
  contents.on('will-frame-navigate', (event) => {
    // The window's own page never contains frames; the top frame follows will-navigate above.
    if (!event.isMainFrame || !insideApp(event.url, options.devOrigin)) {
      event.preventDefault();
      refuse('a frame navigation', event.url);
    }
  });
  contents.on('will-redirect', (event) => {
    if (!insideApp(event.url, options.devOrigin)) {
      event.preventDefault();
      refuse('a redirect', event.url);
    }
  });
  contents.on('will-attach-webview', (event) => {
    event.preventDefault();
    refuse('a webview', '');
  });
  contents.setWindowOpenHandler(({ url }) => {
    if (isAllowedExternalUrl(url)) void options.shell.openExternal(url);
    else refuse('a new window', url);
    return { action: 'deny' };
  });
}

/** No page of the app needs a permission (camera, notifications, clipboard reads, …): deny them all. */
export function denyPermissions(session: Session): void {
  session.setPermissionRequestHandler((_contents, _permission, callback) => callback(false));
  session.setPermissionCheckHandler(() => false);
  session.setDevicePermissionHandler(() => false);
}
