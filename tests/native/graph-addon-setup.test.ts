// `npm run setup:native` rebuilds the graph addon only when it is missing or older than its source
// (scripts/graph-addon.mjs keeps the source's hash beside the built file), and checks the built addon
// by running a small graph in a child process. Runs in the model-native project, after setup:native.
import { copyFileSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { afterAll, expect, it } from 'vitest';
import { ADDON_FILE, checkGraphAddon, graphAddonCurrent } from '../../scripts/graph-addon.mjs';

const require = createRequire(import.meta.url);
const lib = join(dirname(require.resolve('@tensorflow/tfjs-node/package.json')), 'lib');
const bindingDir = join(
  lib,
  readdirSync(lib).find((d) => /^napi-v\d+$/.test(d))!,
);
const copy = mkdtempSync(join(tmpdir(), 'crossdesk-graph-addon-'));
afterAll(() => rmSync(copy, { recursive: true, force: true }));

it('the built addon is current and runs a graph', () => {
  expect(graphAddonCurrent(bindingDir)).toBe(true);
  const check = checkGraphAddon(bindingDir);
  expect(check.detail).toMatch(/^graph addon, TensorFlow 2\./);
  expect(check.ok).toBe(true);
});

it('an addon built from another source, or none, is not current', () => {
  for (const name of readdirSync(bindingDir)) copyFileSync(join(bindingDir, name), join(copy, name));
  expect(graphAddonCurrent(copy)).toBe(true);
  writeFileSync(join(copy, 'crossdesk_graph.sha256'), `${'0'.repeat(64)}\n`);
  expect(graphAddonCurrent(copy)).toBe(false);
  copyFileSync(join(bindingDir, 'crossdesk_graph.sha256'), join(copy, 'crossdesk_graph.sha256'));
  rmSync(join(copy, ADDON_FILE));
  expect(graphAddonCurrent(copy)).toBe(false);
  // And a missing addon fails its check with a reason, not silently.
  const check = checkGraphAddon(copy);
  expect(check.ok).toBe(false);
  expect(check.detail).toMatch(/Cannot find module|crossdesk_graph/);
});
