// The headless host's access token, kept in the data directory so that a tab opened on one run of the
// host reconnects to the next run on the same data directory without a new URL. It is still required
// by the page and the socket, and only the user can read it (0600). Delete the file to revoke every
// open tab: the next run makes a new one.
import { randomBytes } from 'node:crypto';
import { chmodSync, mkdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

export const ACCESS_TOKEN_FILE = 'access-token';
/** 24 random bytes as base64url: 32 characters. */
const TOKEN_PATTERN = /^[A-Za-z0-9_-]{32,}$/;

export function newAccessToken(): string {
  return randomBytes(24).toString('base64url');
}

/** The data directory's token; made (0600) when missing or unreadable as one. */
export function loadOrCreateAccessToken(dataDir: string): string {
  const file = join(dataDir, ACCESS_TOKEN_FILE);
  try {
    const token = readFileSync(file, 'utf8').trim();
    if (TOKEN_PATTERN.test(token)) {
      // A copy or an editor may have widened it: the token is as good as a password.
      if ((statSync(file).mode & 0o077) !== 0) chmodSync(file, 0o600);
      return token;
    }
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'ENOENT') throw err;
  }
  mkdirSync(dataDir, { recursive: true });
  const token = newAccessToken();
  writeFileSync(file, `${token}\n`, { mode: 0o600 });
  chmodSync(file, 0o600); // the mode applies only when the file is created
  return token;
}
