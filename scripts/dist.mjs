#!/usr/bin/env node
// `npm run dist`: the installers for this platform in dist/ (AppImage and deb on Linux, dmg on macOS,
// nsis on Windows; `npm run dist -- --linux` etc. to choose). Builds the bundles, then runs
// electron-builder with electron-builder.json: it downloads Electron, rebuilds better-sqlite3 (and
// tfjs-node when installed) for Electron's ABI, keeps them outside the asar, and sets the fuses.
// Needs network access and Node DESKTOP_NODE or newer (scripts/node-versions.mjs).
import { spawnSync } from 'node:child_process';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { DESKTOP_NODE, atLeast } from './node-versions.mjs';

const root = dirname(dirname(fileURLToPath(import.meta.url)));
if (!atLeast(process.versions.node, DESKTOP_NODE)) {
  process.stderr.write(
    `npm run dist: packaging needs Node ${DESKTOP_NODE} or newer (electron-builder's native rebuild ` +
      `requires it); this is Node ${process.versions.node}. The headless host, the CLI and the tests run on it.\n`,
  );
  process.exit(1);
}
const run = (script, args) =>
  spawnSync(process.execPath, [join(root, script), ...args], { cwd: root, stdio: 'inherit' }).status ?? 1;

if (run('node_modules/electron-vite/bin/electron-vite.js', ['build']) !== 0) {
  process.stderr.write('npm run dist: the build failed (see above).\n');
  process.exit(1);
}
process.exit(
  run('node_modules/electron-builder/cli.js', [
    '--config',
    'electron-builder.json',
    '--publish',
    'never',
    ...process.argv.slice(2),
  ]),
);
