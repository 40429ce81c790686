// The demo's conclusion from real scratch-vs-transfer rows (core's scratchVsTransfer on fixed runs): which
// gains it calls shown, that its p-values are the ones its intervals invert, and that they are
// Holm-adjusted over every claim together.
import { holmFamily, scratchVsTransfer, studentTQuantile } from '@medsweep/core';
import type { ArmConfiguration, ScratchVsTransferRow } from '@medsweep/core';
import { describe, expect, it } from 'vitest';
import { demoConclusion, intervalPValue } from './demo-conclusion.js';

/** The scratch-vs-transfer row of one architecture whose arms scored `pretrained` and `scratch` by seed. */
function row(pretrained: number[], scratch: number[]): ScratchVsTransferRow {
  const arm = (initialisation: string, values: number[]): ArmConfiguration => ({
    architecture: 'squeezenet1_1',
    initialisation,
    groupKey: initialisation,
    runs: values.map((value, seed) => ({
      trialId: `${initialisation}-${seed}`,
      seed,
      value,
      selectionValue: value,
    })),
  });
  const rows = scratchVsTransfer([arm('pretrained:imagenet', pretrained), arm('scratch', scratch)], {
    goal: 'maximize',
  });
  return rows[0]!;
}

describe('intervalPValue', () => {
  it('is 0.05 for a 95% t interval whose bound touches zero, below when it excludes zero', () => {
    const df = 2;
    const standardError = 0.01;
    const touching = studentTQuantile(0.975, df) * standardError;
    const base = {
      outcome: 'interval',
      method: 'paired-t',
      n: 3,
      df,
      confidence: 0.95,
      standardError,
    } as const;
    const gainFacts = { pretrainedMean: 0, scratchMean: 0, pretrainedSeeds: 3, scratchSeeds: 3 };
    const at = { ...base, ...gainFacts, estimate: touching, lower: 0, upper: 2 * touching };
    expect(intervalPValue(at)).toBeCloseTo(0.05, 6);
    expect(intervalPValue({ ...at, estimate: 2 * touching })).toBeLessThan(0.05);
  });
});

describe('demoConclusion', () => {
  const clear = row([0.9, 0.91, 0.92], [0.8, 0.81, 0.79]);
  const noisy = row([0.9, 0.85, 0.95], [0.88, 0.92, 0.86]);
  const twoSeeds = row([0.9, 0.91], [0.8, 0.81]);

  it('shows the clear gain and not the noisy one, with p-values Holm-adjusted over both claims', () => {
    const text = demoConclusion([
      { subject: 'BreastMNIST, test AUC', row: clear },
      { subject: 'PneumoniaMNIST, test AUC', row: noisy },
    ]);
    const [clearLine, noisyLine, last] = text.split('\n');
    const raw = [clear, noisy].map((r) => intervalPValue(r.gain as Parameters<typeof intervalPValue>[0]));
    const adjusted = holmFamily(raw).pValues.map((p) => p.holm);
    expect(clearLine).toContain('pretrained:imagenet +0.110 over scratch (0.910 vs 0.800, 3 and 3 seeds)');
    expect(clearLine).toContain('over seeds (t, paired by seed)');
    expect(clearLine).toContain(`Holm-adjusted ${adjusted[0]!.toFixed(3)} -> pretrained:imagenet is better.`);
    expect(noisyLine).toContain(`p ${raw[1]!.toFixed(3)}, Holm-adjusted ${adjusted[1]!.toFixed(3)}`);
    expect(noisyLine).toContain('-> no difference shown.');
    expect(last).toBe(
      'Shown at family-wise 0.05 (Holm over 2 gains): BreastMNIST, test AUC: pretrained:imagenet (+0.110).',
    );
  });

  it('leaves a gain without an interval out of the family and says why', () => {
    const text = demoConclusion([{ subject: 'BreastMNIST, test ACC', row: twoSeeds }]);
    expect(text).toContain('nothing shown: n too small');
    expect(text.split('\n').at(-1)).toBe(
      'Shown at family-wise 0.05 (Holm over 0 gains): nothing; more seeds or more test images are needed before acting.',
    );
  });
});
