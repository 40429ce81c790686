// The audit log's hash chain: each event's hash covers the previous event's hash and the event's own
// fields, so changing, removing or reordering any event breaks every link after it. The database layer
// appends and walks the chain; what a link is, and how it breaks, is defined here.
import type { JsonValue } from './canonical-json.js';
import { canonicalJson } from './canonical-json.js';
import { sha256Hex } from './hash.js';

/** prevHash of the first event. */
export const AUDIT_GENESIS_HASH = '0'.repeat(64);

/** The fields an audit event's hash covers. */
export interface AuditEventContent {
  /** Position in the chain, from 1, without gaps. */
  seq: number;
  projectId: string | null;
  /** `user:<id>`, `token:<id>`, `system:<component>`. */
  actor: string;
  /** e.g. `sweep.create`, `trial.result`. */
  action: string;
  subjectType: string;
  subjectId: string;
  payload: JsonValue;
  /** ISO 8601 with milliseconds (Date#toISOString), as stored. */
  createdAt: string;
}

export interface ChainedAuditEvent extends AuditEventContent {
  prevHash: string;
  hash: string;
}

/**
 * Why the chain breaks at an event: a missing seq, a link to the wrong predecessor, edited fields, a hash
 * other than the one anchored outside the database for that seq (the chain was rewritten from there on and
 * re-hashed), or an anchor past the chain's last event (events were removed from its end).
 */
export type AuditChainBreakReason =
  'seq-gap' | 'prev-hash-mismatch' | 'hash-mismatch' | 'anchor-mismatch' | 'anchor-beyond-head';

/**
 * A chain head recorded outside the database (an S3 object under Object Lock): whoever rewrites the chain
 * inside the database, re-hashing every event after an edit, cannot make it agree with the anchors.
 */
export interface AuditAnchor {
  seq: number;
  hash: string;
}

export interface AuditChainBreak {
  brokenAt: number;
  reason: AuditChainBreakReason;
  /** seq-gap: the seq that should come next; prev-hash-mismatch: the predecessor's hash; hash-mismatch:
   * the hash recomputed from the stored fields; anchor-mismatch: the anchored hash; anchor-beyond-head:
   * the anchored seq (found: the chain's last seq). */
  expected: string;
  found: string;
}

/** sha256(prevHash ‖ canonical JSON of the event's fields). */
export function auditEventHash(prevHash: string, event: AuditEventContent): string {
  const { seq, projectId, actor, action, subjectType, subjectId, payload, createdAt } = event;
  return sha256Hex(
    prevHash + canonicalJson({ seq, projectId, actor, action, subjectType, subjectId, payload, createdAt }),
  );
}

/**
 * Checks one event against its predecessor in the chain (null when the event should be the first, seq 1):
 * its seq follows, its prevHash is the predecessor's hash, and its hash is the hash of its fields.
 */
export function checkAuditLink(
  previous: { seq: number; hash: string } | null,
  event: ChainedAuditEvent,
): AuditChainBreak | null {
  const expectedSeq = previous === null ? 1 : previous.seq + 1;
  if (event.seq !== expectedSeq) {
    return {
      brokenAt: event.seq,
      reason: 'seq-gap',
      expected: String(expectedSeq),
      found: String(event.seq),
    };
  }
  const expectedPrev = previous === null ? AUDIT_GENESIS_HASH : previous.hash;
  if (event.prevHash !== expectedPrev) {
    return {
      brokenAt: event.seq,
      reason: 'prev-hash-mismatch',
      expected: expectedPrev,
      found: event.prevHash,
    };
  }
  const expectedHash = auditEventHash(event.prevHash, event);
  if (event.hash !== expectedHash) {
    return { brokenAt: event.seq, reason: 'hash-mismatch', expected: expectedHash, found: event.hash };
  }
  return null;
}

/** Checks an event against the anchor recorded for its seq, when there is one. */
export function checkAnchor(
  anchor: AuditAnchor | undefined,
  event: { seq: number; hash: string },
): AuditChainBreak | null {
  if (anchor === undefined || anchor.hash === event.hash) return null;
  return { brokenAt: event.seq, reason: 'anchor-mismatch', expected: anchor.hash, found: event.hash };
}

/** The first anchor past the chain's last event (`head`, null for an empty chain): its tail was removed. */
export function anchorBeyondHead(
  anchors: Iterable<AuditAnchor>,
  head: { seq: number } | null,
): AuditChainBreak | null {
  const last = head?.seq ?? 0;
  let beyond: AuditAnchor | undefined;
  for (const anchor of anchors)
    if (anchor.seq > last && (beyond === undefined || anchor.seq < beyond.seq)) beyond = anchor;
  if (beyond === undefined) return null;
  return {
    brokenAt: beyond.seq,
    reason: 'anchor-beyond-head',
    expected: String(beyond.seq),
    found: String(last),
  };
}
