/**
 * The serve host's access token: 32 random bytes as hex, compared in constant time so a remote
 * guesser learns nothing from response timing.
 */
import { randomBytes, timingSafeEqual } from 'node:crypto';

/** A fresh token (64 hex characters). */
export function createToken(): string {
  return randomBytes(32).toString('hex');
}

/** True when `candidate` equals `token`, without leaking where they differ. */
export function tokenMatches(token: string, candidate: string | null | undefined): boolean {
  if (typeof candidate !== 'string') return false;
  const a = Buffer.from(token, 'utf8');
  const b = Buffer.from(candidate, 'utf8');
  return a.length === b.length && timingSafeEqual(a, b);
}
