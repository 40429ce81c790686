// Which link of a stored lineage record breaks, given the same links recomputed from the stored artifacts,
// data and rows. Links the verifier could not recompute are reported as unchecked, not as passing.
import { canonicalJson } from './canonical-json.js';
import type { LineageLink, LineageRecord, SealedLineage } from './record.js';
import { LINEAGE_LINKS, recordHash } from './record.js';

export type LineageVerification =
  | {
      ok: true;
      recordHash: string;
      /** Links compared with a recomputed value, in LINEAGE_LINKS order. */
      checked: LineageLink[];
      /** Links nothing was recomputed for: stored, but not independently confirmed. */
      unchecked: LineageLink[];
    }
  | {
      ok: false;
      /** The first link that breaks, in LINEAGE_LINKS order; `recordHash` when every link matches but the
       * stored record hash is not the hash of the stored links (the row was edited). */
      link: LineageLink | 'recordHash';
      stored: unknown;
      recomputed: unknown;
      checked: LineageLink[];
      unchecked: LineageLink[];
    };

/**
 * Compares each link of `stored` with `recomputed` (undefined = not recomputed), in LINEAGE_LINKS order,
 * then the stored record hash with the hash of the stored links. Returns the first break, as data.
 */
export function verifyLineage(
  stored: SealedLineage,
  recomputed: Partial<LineageRecord>,
): LineageVerification {
  const checked = LINEAGE_LINKS.filter((link) => recomputed[link] !== undefined);
  const unchecked = LINEAGE_LINKS.filter((link) => recomputed[link] === undefined);
  for (const link of checked) {
    if (canonicalJson(stored[link]) !== canonicalJson(recomputed[link])) {
      return { ok: false, link, stored: stored[link], recomputed: recomputed[link], checked, unchecked };
    }
  }
  const expected = recordHash(stored);
  if (expected !== stored.recordHash) {
    return {
      ok: false,
      link: 'recordHash',
      stored: stored.recordHash,
      recomputed: expected,
      checked,
      unchecked,
    };
  }
  return { ok: true, recordHash: expected, checked, unchecked };
}
