// Input pieces every router shares. Every text field has a shape or a length limit, so oversized or
// malformed input is refused with an error naming the field before any handler runs.
import { SPEC_TEXT_MAX_CHARS } from '@medsweep/core';
import { z } from 'zod';

export const uuid = z.uuid('must be a UUID');

/** A project slug, as sweep specs name projects. */
export const projectSlug = z
  .string()
  .regex(/^[a-z0-9][a-z0-9-]{0,62}$/, 'must be a project slug (1-63 lowercase letters, digits, dashes)');

export const projectInput = z.strictObject({ project: projectSlug });
export const sweepInput = z.strictObject({ sweepId: uuid });
export const trialInput = z.strictObject({ trialId: uuid });

/** Human text shown back to people (names, labels): printable, no control characters, bounded. */
export const label = (max: number) =>
  z
    .string()
    .trim()
    .min(1, 'must not be empty')
    .max(max, `must be at most ${max} characters`)
    // eslint-disable-next-line no-control-regex
    .regex(/^[^\u0000-\u001f\u007f]*$/, 'must not contain control characters');

/** A sweep spec as YAML or JSON text: at most what the spec parser reads (256 Ki characters). */
export const SPEC_TEXT_MAX = SPEC_TEXT_MAX_CHARS;
export const specText = z
  .string()
  .min(1, 'must not be empty')
  .max(SPEC_TEXT_MAX, `must be at most ${SPEC_TEXT_MAX} characters`);

export const email = z.email('must be an email address').max(254, 'must be at most 254 characters');

/** Passwords: long enough to matter, short enough that hashing cannot be made expensive on purpose. */
export const password = z
  .string()
  .min(12, 'must be at least 12 characters')
  .max(256, 'must be at most 256 characters');

/** A final metric: `{ split: 'test', name: 'auc' }`. */
export const metricRef = z.strictObject({
  split: z.enum(['val', 'test']),
  name: z.string().regex(/^[a-z][a-z0-9_]{0,62}$/, 'must be a metric name such as auc or acc'),
});

/** What a leaderboard ranks: one sweep, or every sweep on one dataset. */
export const leaderboardScope = z.union([
  z.strictObject({ sweepId: uuid }),
  z.strictObject({ datasetId: uuid }),
]);

/** Cursor strings are opaque but bounded. */
export const cursor = z.string().max(512, 'must be at most 512 characters');
