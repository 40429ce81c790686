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
 * A record without a split assignment hash (written before it was part of lineage, or of a dataset
 * without per-sample records) has that link unchecked: its record hash still covers every other link.
 */
export function verifyLineage(
  stored: SealedLineage,
  recomputed: Partial<LineageRecord>,
): LineageVerification {
  const comparable = (link: LineageLink) =>
    recomputed[link] !== undefined && !(link === 'splitAssignmentHash' && stored[link] == null);
  const checked = LINEAGE_LINKS.filter(comparable);
  const unchecked = LINEAGE_LINKS.filter((link) => !comparable(link));
  for (const link of checked) {
    const value = stored[link] ?? null;
    if (canonicalJson(value) !== canonicalJson(recomputed[link])) {
      return { ok: false, link, stored: value, recomputed: recomputed[link], checked, unchecked };
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
