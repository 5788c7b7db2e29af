// The headless host's access token in the data directory: made once with 0600, read back unchanged by
// the next run (so an open tab reconnects), tightened when its mode was widened, replaced when unusable.
import { chmodSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ACCESS_TOKEN_FILE, loadOrCreateAccessToken } from '../../../src/main/host/access-token';

let dir: string;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'crossdesk-token-'));
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

const file = () => join(dir, ACCESS_TOKEN_FILE);
const mode = () => statSync(file()).mode & 0o777;

describe('loadOrCreateAccessToken', () => {
  it('makes a long random token readable only by the user, and returns the same one next time', () => {
    const first = loadOrCreateAccessToken(dir);
    expect(first).toMatch(/^[A-Za-z0-9_-]{32}$/);
    expect(mode()).toBe(0o600);
    expect(readFileSync(file(), 'utf8').trim()).toBe(first);
    expect(loadOrCreateAccessToken(dir)).toBe(first);
    const other = mkdtempSync(join(tmpdir(), 'crossdesk-token-other-'));
    try {
      expect(loadOrCreateAccessToken(other)).not.toBe(first);
    } finally {
      rmSync(other, { recursive: true, force: true });
    }
  });

  it('tightens a widened file and replaces one that holds no usable token', () => {
    const token = loadOrCreateAccessToken(dir);
    chmodSync(file(), 0o644);
    expect(loadOrCreateAccessToken(dir)).toBe(token);
    expect(mode()).toBe(0o600);
    writeFileSync(file(), 'short\n', { mode: 0o644 });
    const replaced = loadOrCreateAccessToken(dir);
    expect(replaced).not.toBe('short');
    expect(replaced).toMatch(/^[A-Za-z0-9_-]{32}$/);
    expect(mode()).toBe(0o600);
  });

  it('creates the data directory when it does not exist yet', () => {
    const nested = join(dir, 'a', 'b');
    expect(loadOrCreateAccessToken(nested)).toMatch(/^[A-Za-z0-9_-]{32}$/);
  });
});
