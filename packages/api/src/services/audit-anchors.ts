// Anchoring the audit chain's head outside the database, periodically: a host (the dashboard's server)
// starts the timer once; each tick writes the current head as a locked S3 object unless the latest anchor
// already covers it. Verification (audit.verifyInstanceChain) reads them back.
import type { Db } from '@medsweep/db';
import { auditChainHead } from '@medsweep/db';
import type { AuditAnchorStore, StoredAnchor } from '@medsweep/storage';

/** Anchors the chain's head unless an anchor at or past its seq exists; null when nothing was written. */
export async function anchorAuditHead(db: Db, anchors: AuditAnchorStore): Promise<StoredAnchor | null> {
  const head = await auditChainHead(db);
  if (head === null) return null;
  const latest = await anchors.latestSeq();
  if (latest !== null && latest >= head.seq) return null;
  return anchors.put(head);
}

/**
 * Anchors the head every `everyMinutes` (the first time a minute after the call, once the bucket is made
 * with Object Lock), logging failures without stopping; returns a function that stops it. The timer does
 * not keep the process alive.
 */
export function startAuditAnchoring(
  deps: { db: Db; auditAnchors: AuditAnchorStore },
  everyMinutes: number,
  log: Pick<Console, 'log' | 'error'> = console,
): () => void {
  let ready: Promise<unknown> | undefined;
  const tick = async () => {
    try {
      ready ??= deps.auditAnchors.ensureBucket();
      await ready;
      const anchor = await anchorAuditHead(deps.db, deps.auditAnchors);
      if (anchor)
        log.log(
          `[medsweep] audit chain anchored at seq ${anchor.seq} (s3://${deps.auditAnchors.bucket}/${anchor.key})`,
        );
    } catch (e) {
      ready = undefined; // try the bucket again next time
      log.error(`[medsweep] could not anchor the audit chain: ${e instanceof Error ? e.message : String(e)}`);
    }
  };
  const first = setTimeout(() => void tick(), 60_000);
  const every = setInterval(() => void tick(), everyMinutes * 60_000);
  first.unref();
  every.unref();
  return () => {
    clearTimeout(first);
    clearInterval(every);
  };
}
