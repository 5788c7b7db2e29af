// What can be checked of the installers without Electron's binary: electron-builder.json against
// electron-builder's own schema (its validateConfiguration), every file it names exists, the native
// modules stay outside the asar, the fuses are set, and resources/ holds exactly the icons
// scripts/make-icons.mjs draws, in the formats the platforms read.
import { existsSync, readFileSync, statSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '../..');
const require = createRequire(import.meta.url);
const config = JSON.parse(readFileSync(join(root, 'electron-builder.json'), 'utf8')) as BuilderConfig;

/** The parts of electron-builder.json the tests read (the schema check covers the whole file). */
interface BuilderConfig {
  [key: string]: unknown;
  files: string[];
  asar: boolean;
  asarUnpack: string[];
  npmRebuild: boolean;
  electronFuses: Record<string, boolean>;
  directories: { buildResources: string };
  linux: { target: string[]; icon: string };
  mac: { target: string[]; icon: string };
  win: { target: string[]; icon: string };
  nsis: { installerIcon: string; uninstallerIcon: string };
}

async function validate(candidate: unknown): Promise<void> {
  const { validateConfiguration } = require('app-builder-lib/out/util/config/config.js') as {
    validateConfiguration(config: unknown, logger: { isEnabled: boolean; add(): void }): Promise<void>;
  };
  await validateConfiguration(candidate, { isEnabled: false, add() {} });
}

/** Width and height from a PNG's IHDR chunk. */
function pngSize(png: Buffer): [number, number] {
  expect(png.subarray(0, 8).toString('hex')).toBe('89504e470d0a1a0a');
  expect(png.subarray(12, 16).toString('ascii')).toBe('IHDR');
  return [png.readUInt32BE(16), png.readUInt32BE(20)];
}

describe('electron-builder.json', () => {
  it("passes electron-builder's own schema, which refuses a wrong one", async () => {
    await expect(validate(config)).resolves.toBeUndefined();
    await expect(
      validate({ ...config, linux: { ...config.linux, target: 'AppImage', icns: 1 } }),
    ).rejects.toThrow(/configuration\.linux/);
    await expect(validate({ ...config, asarUnpak: [] })).rejects.toThrow(/unknown property 'asarUnpak'/);
  });

  it('builds AppImage and deb, dmg and nsis', () => {
    expect(config.linux.target).toEqual(['AppImage', 'deb']);
    expect(config.mac.target).toEqual(['dmg']);
    expect(config.win.target).toEqual(['nsis']);
  });

  it('names only files that exist', () => {
    const named = [
      config.linux.icon,
      config.mac.icon,
      config.win.icon,
      config.nsis.installerIcon,
      config.nsis.uninstallerIcon,
      config.directories.buildResources,
    ];
    for (const path of named) expect(existsSync(join(root, path)), path).toBe(true);
    // The app's entry (package.json main) is one of the bundles the packaged files include.
    const main = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')).main as string;
    expect(main).toBe('./out/main/index.js');
    expect(config.files).toContain('out/**');
    for (const pattern of config.asarUnpack) {
      const dir = pattern.replace(/\/\*\*$|\/\*\.wasm$/, '').replace(/\/dist$/, '');
      // tfjs-node is optional: it is unpacked when installed.
      if (!dir.includes('tfjs-node')) expect(existsSync(join(root, dir)), pattern).toBe(true);
    }
  });

  it('rebuilds the native modules for Electron at packaging and keeps them out of the asar', () => {
    expect(config.npmRebuild).toBe(true);
    expect(config.asar).toBe(true);
    expect(config.asarUnpack).toEqual(
      expect.arrayContaining(['node_modules/better-sqlite3/**', 'node_modules/@tensorflow/tfjs-node/**']),
    );
  });

  it('sets the fuses: no RunAsNode, no NODE_OPTIONS, no inspect flags, asar integrity', () => {
    expect(config.electronFuses).toMatchObject({
      runAsNode: false,
      enableNodeOptionsEnvironmentVariable: false,
      enableNodeCliInspectArguments: false,
      enableEmbeddedAsarIntegrityValidation: true,
      onlyLoadAppFromAsar: true,
    });
  });
});

describe('resources/', () => {
  it('holds the icons make-icons.mjs draws, byte for byte', async () => {
    const script = '../../scripts/make-icons.mjs'; // plain JavaScript: typed here, not declared
    const { iconFiles } = (await import(script)) as {
      iconFiles(): Map<string, Buffer>;
    };
    const files = iconFiles();
    expect([...files.keys()]).toEqual(
      expect.arrayContaining(['icon.png', 'icons/512x512.png', 'icon.icns', 'icon.ico']),
    );
    for (const [name, data] of files) {
      const committed = join(root, 'resources', name);
      expect(existsSync(committed), `${name}: run npm run icons`).toBe(true);
      expect(readFileSync(committed).equals(data), `${name} differs from npm run icons`).toBe(true);
    }
  }, 60_000);

  it('has a 1024 and a 512 PNG, an ICNS with 1024/512 PNGs and an ICO with a 256 PNG', () => {
    expect(pngSize(readFileSync(join(root, 'resources/icon.png')))).toEqual([1024, 1024]);
    expect(pngSize(readFileSync(join(root, 'resources/icons/512x512.png')))).toEqual([512, 512]);

    const icns = readFileSync(join(root, 'resources/icon.icns'));
    expect(icns.subarray(0, 4).toString('ascii')).toBe('icns');
    expect(icns.readUInt32BE(4)).toBe(statSync(join(root, 'resources/icon.icns')).size);
    const elements = new Map<string, Buffer>();
    for (let at = 8; at < icns.length;) {
      const length = icns.readUInt32BE(at + 4);
      elements.set(icns.subarray(at, at + 4).toString('ascii'), icns.subarray(at + 8, at + length));
      at += length;
    }
    expect(pngSize(elements.get('ic10')!)).toEqual([1024, 1024]);
    expect(pngSize(elements.get('ic09')!)).toEqual([512, 512]);

    const ico = readFileSync(join(root, 'resources/icon.ico'));
    expect([ico.readUInt16LE(0), ico.readUInt16LE(2)]).toEqual([0, 1]);
    const sizes: number[] = [];
    for (let i = 0; i < ico.readUInt16LE(4); i++) {
      const entry = 6 + 16 * i;
      const png = ico.subarray(
        ico.readUInt32LE(entry + 12),
        ico.readUInt32LE(entry + 12) + ico.readUInt32LE(entry + 8),
      );
      const [width] = pngSize(png);
      expect(ico[entry] === 0 ? 256 : ico[entry]).toBe(width);
      sizes.push(width);
    }
    expect(sizes).toContain(256);
  });
});
