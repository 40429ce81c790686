// Temperature scaling against scipy (minimize_scalar, bounded Brent on log T) and the ECE before/after
// against scikit-learn's calibration_curve, on the stored inputs of tests/fixtures/reference-metrics.json.
import { describe, expect, it } from 'vitest';
import {
  applyTemperature,
  calibrateWithTemperature,
  expectedCalibrationError,
  fitTemperature,
  reliabilityBins,
  temperatureNll,
} from '../index.js';
import { expectClose, loadReference, scoresOf } from '../test-support/reference-fixture.js';

const reference = loadReference();
const { range, datasets: ownDatasets, cases } = reference.temperatureScaling;
const datasetNamed = (name: string) => reference.datasets[name] ?? ownDatasets[name]!;
// Both searches stop when the bracket in log T is narrower than ~1e-10, but the NLL is flat (quadratic)
// at its minimum, so its location is only determined to ~sqrt(machine epsilon) ~ 1e-8 relative; the
// NLL values themselves agree to the last bits.
const T_TOLERANCE = 1e-6;
const NLL_TOLERANCE = 1e-12;

describe.each(cases)(
  'temperature fitted on $validation ($scoreKind), evaluated on $evaluation, against scipy',
  ({ validation, evaluation, scoreKind, expected }) => {
    const val = datasetNamed(validation);
    const test = datasetNamed(evaluation);
    const options = { scoreKind, minTemperature: range[0], maxTemperature: range[1] } as const;

    it('finds the temperature and NLL scipy finds', () => {
      const fit = fitTemperature(val.yTrue, scoresOf(val), val.task, options);
      expectClose(fit.temperature / expected.temperature, 1, T_TOLERANCE, 'temperature ratio');
      expectClose(fit.nllBefore, expected.nllBefore, NLL_TOLERANCE, 'nll at T = 1');
      expectClose(fit.nllAfter, expected.nllAfter, NLL_TOLERANCE, 'nll at the fitted T');
      expect(fit.nllAfter).toBeLessThanOrEqual(fit.nllBefore);
    });

    it('scales the evaluation split as scipy does, and bins it as sklearn does (at the reference T)', () => {
      const temperatures = { before: 1, after: expected.temperature };
      for (const side of ['before', 'after'] as const) {
        const want = expected.evaluation[side];
        const t = temperatures[side];
        const probabilities = applyTemperature(scoresOf(test), test.task, t, { scoreKind });
        expectClose(
          temperatureNll(test.yTrue, scoresOf(test), test.task, t, { scoreKind }),
          want.nll,
          NLL_TOLERANCE,
          `${side} nll`,
        );
        expectClose(
          expectedCalibrationError(test.yTrue, probabilities, test.task, { bins: 15 }),
          want.calibration.ece,
          1e-12,
          `${side} ece`,
        );
        const bins = reliabilityBins(test.yTrue, probabilities, test.task, { bins: 15 });
        expect(
          bins.map((b) => b.count),
          `${side} bin counts`,
        ).toEqual(want.calibration.counts);
        bins.forEach((bin, b) => {
          const meanConfidence = want.calibration.meanConfidence[b] ?? null;
          if (meanConfidence === null) return expect(bin.meanConfidence).toBeNull();
          expectClose(bin.meanConfidence!, meanConfidence, 1e-12, `${side} bin ${b} confidence`);
          expectClose(
            bin.observedFrequency!,
            want.calibration.observed[b]!,
            1e-12,
            `${side} bin ${b} observed`,
          );
        });
      }
    });

    it('calibrateWithTemperature fits on validation and reports the evaluation split before and after', () => {
      const result = calibrateWithTemperature(
        { yTrue: val.yTrue, yScore: scoresOf(val) },
        { yTrue: test.yTrue, yScore: scoresOf(test) },
        val.task,
        { ...options, bins: 15 },
      );
      expectClose(result.before.ece, expected.evaluation.before.calibration.ece, 1e-12, 'ece before');
      // After: at our fitted T, which matches scipy's to ~1e-8 relative (see T_TOLERANCE).
      expectClose(result.after.nll, expected.evaluation.after.nll, 1e-6, 'nll after');
      expectClose(result.after.ece, expected.evaluation.after.calibration.ece, 1e-6, 'ece after');
    });
  },
);
