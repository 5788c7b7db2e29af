// The Node versions CrossDesk needs, in one place (README "Set up", package.json `engines`, the scripts
// and tests/unit/node-versions.test.ts all follow these):
//   HOST_NODE     the headless host, the CLI, the build and the tests (what CI runs);
//   DESKTOP_NODE  the desktop app's own tools: Electron 45's downloader (@electron/get) for `npm start`,
//                 and electron-builder's native rebuild (@electron/rebuild) for `npm run dist`.
// Inside the app Electron brings its own Node, so this is only about the Node that runs the scripts.
export const HOST_NODE = '20.19.0';
export const DESKTOP_NODE = '22.12.0';

/** Whether version `actual` (e.g. process.versions.node) is at least `floor`. */
export function atLeast(actual, floor) {
  const a = actual.replace(/^v/, '').split('.').map(Number);
  const b = floor.split('.').map(Number);
  for (let i = 0; i < 3; i++) {
    if ((a[i] ?? 0) !== (b[i] ?? 0)) return (a[i] ?? 0) > (b[i] ?? 0);
  }
  return true;
}
