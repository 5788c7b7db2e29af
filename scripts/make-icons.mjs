#!/usr/bin/env node
// Draws CrossDesk's app icon and writes every file the installers need into resources/:
//   icon.png (1024×1024), icons/NxN.png (512 … 16, for Linux), icon.icns (macOS), icon.ico (Windows).
// Pure Node: the icon is a few shapes rendered at each size (4×4 supersampling, no resampling), encoded
// as PNG with zlib, and wrapped as PNG-in-ICNS and PNG-in-ICO. The output is deterministic, so the test
// (tests/unit/desktop-packaging.test.ts) can check that the committed files are this script's.
//   node scripts/make-icons.mjs          writes resources/
import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { deflateSync } from 'node:zlib';

const LINUX_SIZES = [512, 256, 128, 64, 48, 32, 16];
const ICO_SIZES = [256, 128, 64, 48, 32, 16];
/** ICNS types holding PNG data, by pixel size. */
const ICNS_TYPES = [
  ['ic10', 1024],
  ['ic09', 512],
  ['ic08', 256],
  ['ic07', 128],
];

// The drawing, in a unit square (0..1, y down): a rounded dark tile, three candles, a rising line.
const CANDLES = [
  { x: 0.27, open: 0.62, close: 0.5, high: 0.42, low: 0.7, color: [38, 166, 154] },
  { x: 0.5, open: 0.46, close: 0.56, high: 0.38, low: 0.64, color: [239, 83, 80] },
  { x: 0.73, open: 0.5, close: 0.3, high: 0.22, low: 0.58, color: [38, 166, 154] },
];
const LINE = [
  [0.16, 0.78],
  [0.4, 0.66],
  [0.6, 0.7],
  [0.84, 0.4],
];

function insideRoundedSquare(x, y, inset, radius) {
  const lo = inset;
  const hi = 1 - inset;
  if (x < lo || x > hi || y < lo || y > hi) return false;
  const cx = Math.min(Math.max(x, lo + radius), hi - radius);
  const cy = Math.min(Math.max(y, lo + radius), hi - radius);
  return (x - cx) ** 2 + (y - cy) ** 2 <= radius ** 2;
}

function distanceToSegment(px, py, [ax, ay], [bx, by]) {
  const dx = bx - ax;
  const dy = by - ay;
  const t = Math.max(0, Math.min(1, ((px - ax) * dx + (py - ay) * dy) / (dx * dx + dy * dy)));
  return Math.hypot(px - (ax + t * dx), py - (ay + t * dy));
}

/** The colour at one point, or null outside the tile. */
function sample(x, y) {
  if (!insideRoundedSquare(x, y, 0.04, 0.2)) return null;
  const shade = 1 - 0.35 * y;
  let color = [Math.round(22 * shade), Math.round(30 * shade), Math.round(48 * shade)];
  for (const c of CANDLES) {
    const top = Math.min(c.open, c.close);
    const bottom = Math.max(c.open, c.close);
    const body = Math.abs(x - c.x) <= 0.07 && y >= top && y <= bottom;
    const wick = Math.abs(x - c.x) <= 0.012 && y >= c.high && y <= c.low;
    if (body || wick) color = c.color;
  }
  for (let i = 0; i + 1 < LINE.length; i++) {
    if (distanceToSegment(x, y, LINE[i], LINE[i + 1]) <= 0.022) color = [79, 140, 255];
  }
  return color;
}

/** RGBA pixels of the icon at `size`×`size`, 4×4 samples per pixel. */
export function renderIcon(size) {
  const pixels = Buffer.alloc(size * size * 4);
  const n = 4;
  for (let py = 0; py < size; py++) {
    for (let px = 0; px < size; px++) {
      let r = 0;
      let g = 0;
      let b = 0;
      let covered = 0;
      for (let sy = 0; sy < n; sy++) {
        for (let sx = 0; sx < n; sx++) {
          const c = sample((px + (sx + 0.5) / n) / size, (py + (sy + 0.5) / n) / size);
          if (!c) continue;
          r += c[0];
          g += c[1];
          b += c[2];
          covered++;
        }
      }
      const at = (py * size + px) * 4;
      if (covered > 0) {
        pixels[at] = Math.round(r / covered);
        pixels[at + 1] = Math.round(g / covered);
        pixels[at + 2] = Math.round(b / covered);
        pixels[at + 3] = Math.round((255 * covered) / (n * n));
      }
    }
  }
  return pixels;
}

const CRC_TABLE = Array.from({ length: 256 }, (_, n) => {
  let c = n;
  for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
  return c >>> 0;
});

function crc32(buffer) {
  let c = 0xffffffff;
  for (const byte of buffer) c = CRC_TABLE[(c ^ byte) & 0xff] ^ (c >>> 8);
  return (c ^ 0xffffffff) >>> 0;
}

function chunk(type, data) {
  const length = Buffer.alloc(4);
  length.writeUInt32BE(data.length);
  const body = Buffer.concat([Buffer.from(type, 'ascii'), data]);
  const crc = Buffer.alloc(4);
  crc.writeUInt32BE(crc32(body));
  return Buffer.concat([length, body, crc]);
}

/** An 8-bit RGBA PNG. */
export function encodePng(size, rgba) {
  const header = Buffer.alloc(13);
  header.writeUInt32BE(size, 0);
  header.writeUInt32BE(size, 4);
  header[8] = 8; // bit depth
  header[9] = 6; // RGBA
  const rows = Buffer.alloc(size * (size * 4 + 1));
  for (let y = 0; y < size; y++) {
    rows[y * (size * 4 + 1)] = 0; // filter: none
    rgba.copy(rows, y * (size * 4 + 1) + 1, y * size * 4, (y + 1) * size * 4);
  }
  return Buffer.concat([
    Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
    chunk('IHDR', header),
    chunk('IDAT', deflateSync(rows, { level: 9 })),
    chunk('IEND', Buffer.alloc(0)),
  ]);
}

/** Windows: an ICO whose entries are PNGs (supported since Vista; 256 px is stored as size 0). */
export function encodeIco(pngs) {
  const header = Buffer.alloc(6);
  header.writeUInt16LE(0, 0);
  header.writeUInt16LE(1, 2); // icon
  header.writeUInt16LE(pngs.length, 4);
  const entries = [];
  let offset = 6 + 16 * pngs.length;
  for (const { size, png } of pngs) {
    const entry = Buffer.alloc(16);
    entry[0] = size >= 256 ? 0 : size;
    entry[1] = size >= 256 ? 0 : size;
    entry.writeUInt16LE(1, 4); // colour planes
    entry.writeUInt16LE(32, 6); // bits per pixel
    entry.writeUInt32LE(png.length, 8);
    entry.writeUInt32LE(offset, 12);
    entries.push(entry);
    offset += png.length;
  }
  return Buffer.concat([header, ...entries, ...pngs.map((p) => p.png)]);
}

/** macOS: an ICNS of PNG-holding elements. */
export function encodeIcns(elements) {
  const parts = elements.map(({ type, png }) => {
    const head = Buffer.alloc(8);
    head.write(type, 0, 'ascii');
    head.writeUInt32BE(png.length + 8, 4);
    return Buffer.concat([head, png]);
  });
  const total = 8 + parts.reduce((sum, part) => sum + part.length, 0);
  const head = Buffer.alloc(8);
  head.write('icns', 0, 'ascii');
  head.writeUInt32BE(total, 4);
  return Buffer.concat([head, ...parts]);
}

/** Every file of resources/, by path relative to it. */
export function iconFiles() {
  const pngs = new Map();
  const png = (size) => {
    if (!pngs.has(size)) pngs.set(size, encodePng(size, renderIcon(size)));
    return pngs.get(size);
  };
  const files = new Map();
  files.set('icon.png', png(1024));
  for (const size of LINUX_SIZES) files.set(`icons/${size}x${size}.png`, png(size));
  files.set('icon.ico', encodeIco(ICO_SIZES.map((size) => ({ size, png: png(size) }))));
  files.set('icon.icns', encodeIcns(ICNS_TYPES.map(([type, size]) => ({ type, png: png(size) }))));
  return files;
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  const root = join(dirname(dirname(fileURLToPath(import.meta.url))), 'resources');
  for (const [name, data] of iconFiles()) {
    const file = join(root, name);
    mkdirSync(dirname(file), { recursive: true });
    writeFileSync(file, data);
    process.stdout.write(`resources/${name} (${data.length} bytes)\n`);
  }
}
