// The audit log: append-only (the database refuses UPDATE, DELETE and TRUNCATE) and hash-chained (core's
// auditEventHash), so an edit that bypasses the database's refusal is still found by verifyAuditChain.
// One chain for the whole database: seq is gap-free and global, so a removed event shows as a gap.
import {
  anchorBeyondHead,
  AUDIT_GENESIS_HASH,
  auditEventHash,
  canonicalJson,
  checkAnchor,
  checkAuditLink,
  type AuditAnchor,
  type AuditChainBreak,
  type ChainedAuditEvent,
  type JsonObject,
} from '@medsweep/core';
import { InvalidRecordError } from '../errors.js';
import type { AuditEvent } from '../generated/prisma/client.js';
import type { DbClient } from './db-client.js';
import { inTransaction } from './db-client.js';

/**
 * Advisory lock that serialises appends (pg_advisory_xact_lock, held to the end of the appending
 * transaction). Distinct from MIGRATION_LOCK_KEY.
 */
export const AUDIT_CHAIN_LOCK_KEY = 72707370;

export interface AuditEventInput {
  /** Null for events outside any project (e.g. a user created). */
  projectId: string | null;
  /** `user:<id>`, `token:<id>`, `system:<component>`. */
  actor: string;
  /** e.g. `sweep.create`, `trial.result`. */
  action: string;
  subjectType: string;
  subjectId: string;
  /** The event's facts, as canonical JSON (no undefined, NaN or Dates: see core's canonicalJson). */
  payload: JsonObject;
}

export interface AppendedAuditEvent {
  seq: number;
  hash: string;
  prevHash: string;
  createdAt: Date;
}

/**
 * Appends one event to the chain: locks the chain, reads the last (seq, hash), inserts seq + 1 with
 * hash = sha256(prevHash ‖ canonical event). With a transaction client the event commits or rolls back
 * with the caller's writes (and the lock is held until then, so append last); with the client it runs in
 * its own transaction. The transaction must be READ COMMITTED (Prisma's default), so the read after the
 * lock sees the latest event.
 */
export async function appendAuditEvent(db: DbClient, input: AuditEventInput): Promise<AppendedAuditEvent> {
  for (const field of ['actor', 'action', 'subjectType', 'subjectId'] as const) {
    if (typeof input[field] !== 'string' || input[field] === '') {
      throw new InvalidRecordError('appendAuditEvent', field, input[field], 'a non-empty string');
    }
  }
  canonicalJson(input.payload); // refuses what could not be hashed again identically after storage
  return inTransaction(db, async (tx) => {
    await tx.$executeRawUnsafe('SELECT pg_advisory_xact_lock($1)', AUDIT_CHAIN_LOCK_KEY);
    const last = await tx.auditEvent.findFirst({
      orderBy: { seq: 'desc' },
      select: { seq: true, hash: true },
    });
    const seq = last === null ? 1 : Number(last.seq) + 1;
    const prevHash = last?.hash ?? AUDIT_GENESIS_HASH;
    const createdAt = new Date();
    const hash = auditEventHash(prevHash, { ...input, seq, createdAt: createdAt.toISOString() });
    // The payload goes in as its canonical JSON text: the driver adapter would round doubles that need
    // 17 significant digits, and the stored event would no longer hash to its chain link.
    await tx.$executeRaw`INSERT INTO audit_events
        (seq, project_id, actor, action, subject_type, subject_id, payload, prev_hash, hash, created_at)
      VALUES (${seq}, ${input.projectId}::uuid, ${input.actor}, ${input.action}, ${input.subjectType},
        ${input.subjectId}, ${canonicalJson(input.payload)}::jsonb, ${prevHash}, ${hash}, ${createdAt})`;
    return { seq, hash, prevHash, createdAt };
  });
}

export type AuditChainVerification =
  | {
      ok: true;
      /** Events checked. */
      events: number;
      /** The last event checked: record it elsewhere to detect a rewritten tail later. */
      head: { seq: number; hash: string } | null;
      /** With `anchors`: how many of them the checked events were compared with. */
      anchorsChecked?: number;
    }
  | ({ ok: false; events: number; anchorsChecked?: number } & AuditChainBreak);

export interface VerifyAuditChainOptions {
  /** Check only this project's events, each against its predecessor in the global chain. */
  projectId?: string;
  /** Events read per query; default 1,000. */
  pageSize?: number;
  /**
   * Heads recorded outside the database: each checked event must have its anchor's hash, and (for the
   * whole chain) no anchor may lie past the last event.
   */
  anchors?: readonly AuditAnchor[];
}

function chained(event: AuditEvent): ChainedAuditEvent {
  return {
    seq: Number(event.seq),
    projectId: event.projectId,
    actor: event.actor,
    action: event.action,
    subjectType: event.subjectType,
    subjectId: event.subjectId,
    payload: event.payload as JsonObject,
    createdAt: event.createdAt.toISOString(),
    prevHash: event.prevHash,
    hash: event.hash,
  };
}

/**
 * Walks the chain in seq order, a page at a time, and stops at the first event that breaks it: a seq gap
 * (an event removed), a prevHash that is not its predecessor's hash (an event replaced or re-hashed), or a
 * hash that does not match the event's fields (an event edited). With `projectId`, only that project's
 * events are checked, each against the event before it in the global chain. An intact chain proves no
 * event was changed unless the whole tail was rewritten: `anchors` (heads recorded outside the database)
 * catch that, an anchored event whose hash differs (anchor-mismatch) or an anchor past the end
 * (anchor-beyond-head).
 */
export async function verifyAuditChain(
  db: DbClient,
  options: VerifyAuditChainOptions = {},
): Promise<AuditChainVerification> {
  const { projectId, pageSize = 1_000 } = options;
  const anchors = new Map((options.anchors ?? []).map((a) => [a.seq, a]));
  let previous: { seq: number; hash: string } | null = null;
  let events = 0;
  let checked = 0;
  // Reported only when anchors were given, so plain verifications read as before.
  const anchorsChecked = () => (options.anchors === undefined ? {} : { anchorsChecked: checked });
  for (let cursor = 0n; ;) {
    const page = await db.auditEvent.findMany({
      where: { seq: { gt: cursor }, ...(projectId === undefined ? {} : { projectId }) },
      orderBy: { seq: 'asc' },
      take: pageSize,
    });
    if (page.length === 0) {
      const beyond = projectId === undefined ? anchorBeyondHead(anchors.values(), previous) : null;
      if (beyond) return { ok: false, events, ...anchorsChecked(), ...beyond };
      return { ok: true, events, head: previous, ...anchorsChecked() };
    }
    const predecessors =
      projectId === undefined
        ? undefined
        : new Map(
            (
              await db.auditEvent.findMany({
                where: { seq: { in: page.map((e) => e.seq - 1n) } },
                select: { seq: true, hash: true },
              })
            ).map((p) => [Number(p.seq), p.hash]),
          );
    for (const row of page) {
      const event = chained(row);
      if (predecessors !== undefined) {
        const hash = predecessors.get(event.seq - 1);
        previous = hash === undefined ? null : { seq: event.seq - 1, hash };
      }
      const broken =
        previous === null && event.seq > 1 && predecessors !== undefined
          ? {
              brokenAt: event.seq,
              reason: 'seq-gap' as const,
              expected: String(event.seq - 1),
              found: String(event.seq),
            }
          : (checkAuditLink(previous, event) ?? checkAnchor(anchors.get(event.seq), event));
      if (broken) return { ok: false, events, ...anchorsChecked(), ...broken };
      if (anchors.has(event.seq)) checked++;
      events++;
      previous = { seq: event.seq, hash: event.hash };
    }
    cursor = page.at(-1)!.seq;
  }
}

export interface AuditEventsQuery {
  /** A project's events; null: the events of no project (sign-ins, accounts); omitted: every event. */
  projectId?: string | null;
  /** Events read per page. */
  limit: number;
  /** The last seq of the previous page: only older events. */
  cursor?: number | null;
  action?: string;
  subjectId?: string;
}

/** One event of a page: seq as a number, without the row id. */
export type ListedAuditEvent = Omit<AuditEvent, 'id' | 'seq'> & { seq: number };

export interface AuditEventsPage {
  events: ListedAuditEvent[];
  /** The cursor of the next (older) page; null on the last one. */
  nextCursor: number | null;
}

/** A page of events (a project's, those of no project, or all), newest first, optionally of one action and/or subject. */
export async function auditEventsPage(db: DbClient, query: AuditEventsQuery): Promise<AuditEventsPage> {
  const events = await db.auditEvent.findMany({
    where: {
      projectId: query.projectId,
      ...(query.cursor ? { seq: { lt: BigInt(query.cursor) } } : {}),
      ...(query.action ? { action: query.action } : {}),
      ...(query.subjectId ? { subjectId: query.subjectId } : {}),
    },
    orderBy: { seq: 'desc' },
    take: query.limit + 1,
  });
  const page = events
    .slice(0, query.limit)
    .map(({ id: _id, seq, ...event }) => ({ seq: Number(seq), ...event }));
  return { events: page, nextCursor: events.length > query.limit ? (page.at(-1)?.seq ?? null) : null };
}

/** The chain's last event (seq and hash), to anchor outside the database; null while it is empty. */
export async function auditChainHead(
  db: DbClient,
): Promise<{ seq: number; hash: string; createdAt: Date } | null> {
  const last = await db.auditEvent.findFirst({
    orderBy: { seq: 'desc' },
    select: { seq: true, hash: true, createdAt: true },
  });
  return last === null ? null : { seq: Number(last.seq), hash: last.hash, createdAt: last.createdAt };
}
