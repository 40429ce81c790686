// SHA-256 of bytes and of canonical JSON. Hashing is pure computation (same input, same digest, no I/O),
// so it belongs with the domain logic. It uses node:crypto, native and far faster than a JavaScript port:
// the one Node built-in in @medsweep/core. Temporal workflow code must therefore not import this module
// (canonical-json.ts is safe there); activities and the database layer do the hashing.
import { createHash } from 'node:crypto';
import { canonicalJson } from './canonical-json.js';

/** A SHA-256 digest as MedSweep stores every hash: 64 lowercase hex digits, no `sha256:` prefix. */
export const SHA256_HEX = /^[0-9a-f]{64}$/;

/** SHA-256 of a UTF-8 string or of bytes, as 64 lowercase hex digits. */
export function sha256Hex(data: string | Uint8Array): string {
  return createHash('sha256').update(data).digest('hex');
}

/** SHA-256 of the canonical JSON of `value` (see canonicalJson for what is accepted). */
export function canonicalHash(value: unknown): string {
  return sha256Hex(canonicalJson(value));
}
