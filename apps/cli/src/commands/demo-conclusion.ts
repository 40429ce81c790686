// The demo's conclusion: what a lead can act on, read off the scratch-vs-transfer gains of its studies.
// Each gain is one claim ("ImageNet initialisation changes test AUC on BreastMNIST"); the claims the demo
// makes are one family, so their p-values are Holm-adjusted together before any is called shown. A claim
// rests on the interval for new patients (two-level: seeds and test images resampled) where the table
// has one, else on the interval over seeds; its p-value is the two-sided t test that interval inverts
// (both are symmetric t intervals), so "adjusted p < 0.05" and "the interval, widened for the family,
// excludes zero" say the same.
import { holmFamily, studentTCdf } from '@medsweep/core';
import type { GainInterval, NewPatientsGain, ScratchVsTransferRow } from '@medsweep/core';

/** One gain the demo reports: which study and metric, and its scratch-vs-transfer row. */
export interface GainClaim {
  /** For people, e.g. `BreastMNIST, test AUC`. */
  subject: string;
  row: ScratchVsTransferRow;
}

/** The family-wise error rate the conclusion holds its claims to. */
export const FAMILY_ALPHA = 0.05;

type ShownInterval = Extract<GainInterval | NewPatientsGain, { outcome: 'interval' }>;

const signed = (value: number) => `${value >= 0 ? '+' : '-'}${Math.abs(value).toFixed(3)}`;
const range = (i: ShownInterval) => `[${signed(i.lower)}, ${signed(i.upper)}]`;
const pValue = (p: number) => (p < 0.001 ? '< 0.001' : p.toFixed(3));

/** Which interval a claim rests on: for new patients where there is one, else over seeds; or none. */
function basisOf(row: ScratchVsTransferRow): { interval: ShownInterval; forNewPatients: boolean } | null {
  if (row.newPatients?.outcome === 'interval') return { interval: row.newPatients, forNewPatients: true };
  if (row.gain?.outcome === 'interval') return { interval: row.gain, forNewPatients: false };
  return null;
}

/** The two-sided p-value of the t test whose inversion is `interval` (estimate ± t(df) × SE). */
export function intervalPValue(interval: ShownInterval): number {
  if (interval.standardError === 0) return interval.estimate === 0 ? 1 : 0;
  const t = Math.abs(interval.estimate) / interval.standardError;
  return Math.min(1, 2 * studentTCdf(-t, interval.df));
}

/** How a gain's interval was made, as the tables word it. */
function intervalName(interval: ShownInterval, forNewPatients: boolean): string {
  const pairing = interval.method.endsWith('welch') ? 'Welch' : 'paired by seed';
  return forNewPatients ? `for new patients (two-level, ${pairing})` : `over seeds (t, ${pairing})`;
}

/**
 * The conclusion, one line per claim and a last one saying what is shown: per claim the gain with both
 * arms' means, the interval it rests on, its p-value raw and Holm-adjusted over every claim, and the
 * verdict. The tables above hold the rest (each arm's spread, both intervals, the pairwise tests).
 */
export function demoConclusion(claims: readonly GainClaim[]): string {
  const tested = claims.flatMap((claim) => {
    const basis = basisOf(claim.row);
    return basis ? [{ claim, ...basis, p: intervalPValue(basis.interval) }] : [];
  });
  const family = holmFamily(tested.map((t) => t.p));
  const lines: string[] = [];
  const shown: string[] = [];
  for (const claim of claims) {
    const { pretrained, scratch, gain, architecture } = claim.row;
    if (pretrained === null || scratch === null || gain === null) {
      lines.push(`${claim.subject}: ${architecture} has no pretrained and scratch arm to compare.`);
      continue;
    }
    const head =
      `${claim.subject}, ${architecture}: ${pretrained.initialisation} ${signed(gain.estimate)} over scratch ` +
      `(${pretrained.mean.toFixed(3)} vs ${scratch.mean.toFixed(3)}, ${pretrained.n} and ${scratch.n} seeds)`;
    const index = tested.findIndex((t) => t.claim === claim);
    const test = tested[index];
    const adjusted = family.pValues[index]?.holm;
    if (test === undefined || adjusted === undefined) {
      const why = gain.outcome === 'refused' ? gain.reason : 'no interval';
      lines.push(`${head}; nothing shown: ${why}.`);
      continue;
    }
    const evidence =
      `95% CI ${intervalName(test.interval, test.forNewPatients)} ${range(test.interval)}, ` +
      `p ${pValue(test.p)}, Holm-adjusted ${pValue(adjusted)}`;
    if (adjusted < FAMILY_ALPHA) {
      const better = gain.estimate > 0 ? pretrained.initialisation : 'scratch';
      shown.push(`${claim.subject}: ${better} (${signed(gain.estimate)})`);
      lines.push(`${head}; ${evidence} -> ${better} is better.`);
      continue;
    }
    const seedsOnly =
      test.forNewPatients && gain.outcome === 'interval' && (gain.lower > 0 || gain.upper < 0)
        ? ` (its interval over seeds, ${range(gain)}, excludes zero: real on these test images, too few of them to show it for new patients)`
        : '';
    lines.push(`${head}; ${evidence} -> no difference shown${seedsOnly}.`);
  }
  lines.push(
    shown.length === 0
      ? `Shown at family-wise ${FAMILY_ALPHA} (Holm over ${family.size} gains): nothing; more seeds or more test images are needed before acting.`
      : `Shown at family-wise ${FAMILY_ALPHA} (Holm over ${family.size} gains): ${shown.join('; ')}.`,
  );
  return lines.join('\n');
}
