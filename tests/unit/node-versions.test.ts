// One story for the Node versions: package.json `engines`, the README and the scripts all follow
// scripts/node-versions.mjs, and every installed package that asks for more than the host's Node is
// one of the desktop app's own tools (Electron's downloader, electron-builder's rebuild), which the
// scripts check for before using them.
import { readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '../..');
const read = (path: string) => readFileSync(join(root, path), 'utf8');

interface Versions {
  HOST_NODE: string;
  DESKTOP_NODE: string;
  atLeast(actual: string, floor: string): boolean;
}

/** The lowest version a `>=X.Y.Z` (or `^X.Y.Z || >=…`) range allows, or null for other shapes. */
function floorOf(range: string): string | null {
  const found = [...range.matchAll(/(?:>=|\^)\s*(\d+\.\d+\.\d+)/g)].map((m) => m[1]!);
  return found.length ? found.sort((a, b) => a.localeCompare(b, 'en', { numeric: true }))[0]! : null;
}

/** Packages of the desktop app's own tooling: Electron itself, its downloader, electron-builder's chain. */
const DESKTOP_TOOLING =
  /(^|\/)(electron|@electron\/[^/]+|@electron-internal\/[^/]+|electron-builder|app-builder-lib|node-abi|dmg-builder|electron-publish|builder-util[^/]*)$/;

describe('Node versions', async () => {
  const script = '../../scripts/node-versions.mjs'; // plain JavaScript: typed here, not declared
  const versions = (await import(script)) as Versions;

  it('package.json engines is the host floor, and @types/node matches it', () => {
    const pkg = JSON.parse(read('package.json'));
    expect(pkg.engines.node).toBe(`>=${versions.HOST_NODE}`);
    expect(pkg.devDependencies['@types/node']).toBe(`^${versions.HOST_NODE}`);
  });

  it('the README states both versions', () => {
    const readme = read('README.md');
    const short = (v: string) => v.replace(/\.0$/, '');
    expect(readme).toContain(`Node ${short(versions.HOST_NODE)}`);
    expect(readme).toContain(`Node ${short(versions.DESKTOP_NODE)}`);
  });

  it('every package needing more than the host Node is desktop tooling, within the desktop Node', () => {
    const lock = JSON.parse(read('package-lock.json')) as {
      packages: Record<string, { engines?: { node?: string } }>;
    };
    const beyondHost: string[] = [];
    for (const [path, entry] of Object.entries(lock.packages)) {
      const floor = entry.engines?.node ? floorOf(entry.engines.node) : null;
      if (!path || floor === null || versions.atLeast(versions.HOST_NODE, floor)) continue;
      beyondHost.push(path);
      expect(path, `${path} needs Node ${entry.engines!.node}`).toMatch(DESKTOP_TOOLING);
      expect(
        versions.atLeast(versions.DESKTOP_NODE, floor),
        `${path} needs Node ${entry.engines!.node}`,
      ).toBe(true);
    }
    expect(beyondHost).toContain('node_modules/electron');
  });

  it('compares versions', () => {
    expect(versions.atLeast('v20.20.2', '20.19.0')).toBe(true);
    expect(versions.atLeast('20.20.2', '22.12.0')).toBe(false);
    expect(versions.atLeast('22.12.0', '22.12.0')).toBe(true);
    expect(versions.atLeast('24.1.0', '22.12.0')).toBe(true);
  });
});
