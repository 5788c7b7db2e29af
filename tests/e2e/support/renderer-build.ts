// Builds the app with electron-vite when out/renderer is missing or older than the renderer's sources,
// so a browser test never runs against a stale page, and an up-to-date build costs nothing.
import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';

const SOURCE_DIRS = ['src/renderer', 'src/shared'];

export function ensureRendererBuilt(root: string): void {
  const built = join(root, 'out/renderer/index.html');
  const builtAt = existsSync(built) ? statSync(built).mtimeMs : -1;
  const newest = Math.max(...SOURCE_DIRS.map((dir) => newestMtime(join(root, dir))));
  if (builtAt >= newest) return;
  const bin = join(root, 'node_modules/.bin/electron-vite');
  const result = spawnSync(bin, ['build'], { cwd: root, encoding: 'utf8', timeout: 170_000 });
  if (result.status !== 0 || !existsSync(built)) {
    const output = `${result.stdout ?? ''}\n${result.stderr ?? ''}`.trim().split('\n').slice(-30).join('\n');
    throw new Error(
      `\`electron-vite build\` failed (status ${result.status}), so the page cannot be served:\n${output}`,
    );
  }
}

function newestMtime(dir: string): number {
  let newest = 0;
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    newest = Math.max(newest, entry.isDirectory() ? newestMtime(path) : statSync(path).mtimeMs);
  }
  return newest;
}
