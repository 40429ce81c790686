// Random secrets shown once (API tokens, session ids) and the hash that is stored in their place.
import { createHash, randomBytes } from 'node:crypto';

/** 32 random bytes, base64url, with a prefix saying what the secret is (e.g. `mst_` for an API token). */
export function newSecret(prefix: string): string {
  return `${prefix}${randomBytes(32).toString('base64url')}`;
}

/** What is stored instead of a secret: its sha256, hex. */
export function secretHash(secret: string): string {
  return createHash('sha256').update(secret, 'utf8').digest('hex');
}
