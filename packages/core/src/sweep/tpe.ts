// Tree-structured Parzen Estimator (Bergstra et al. 2011), factorised per parameter as in hyperopt and
// Optuna's default: split observed results into the best γ and the rest, model each with a Parzen density,
// and propose the candidate that maximises l(x)/g(x). Pure and seeded, so the sweep workflow can run it
// inside its deterministic code from the results recorded in its own history.
import type { Rng } from '../random.js';
import { sampleAssignment } from './space.js';
import type { Assignment, ParamValue } from './space.js';
import type { ParamSpec } from './spec.js';

export interface TpeObservation {
  assignment: Assignment;
  /** Objective; higher is better (negate a loss before passing it). */
  value: number;
}

export interface TpeOptions {
  /** Random proposals before the model is used. */
  startupSamples: number;
  /** Fraction of observations counted as good (default 0.25). */
  gamma?: number;
  /** Candidates drawn from l(x) per proposal (default 24). */
  candidates?: number;
}

/** Kernels on the transformed axis: log for log-uniform, so a decade counts the same everywhere. */
function toAxis(p: ParamSpec, v: number): number {
  return p.type === 'log-uniform' ? Math.log(v) : v;
}
function fromAxis(p: ParamSpec, x: number): number {
  const v = p.type === 'log-uniform' ? Math.exp(x) : x;
  if (p.type === 'int') {
    const step = p.step ?? 1;
    return Math.min(p.max, Math.max(p.min, p.min + Math.round((v - p.min) / step) * step));
  }
  return v;
}

interface Parzen {
  mus: number[];
  sigma: number;
  lo: number;
  hi: number;
}

/** A Gaussian kernel per observation plus a flat prior over the range, bandwidth shrinking with n. */
function parzen(p: Exclude<ParamSpec, { type: 'choice' }>, values: readonly number[]): Parzen {
  const lo = toAxis(p, p.min);
  const hi = toAxis(p, p.max);
  const sigma = (hi - lo) / Math.min(100, Math.max(1, values.length) + 1) ** 0.5;
  return { mus: values.map((v) => toAxis(p, v)), sigma, lo, hi };
}

function parzenLogDensity(d: Parzen, x: number): number {
  const prior = 1 / (d.hi - d.lo);
  let sum = prior;
  for (const mu of d.mus) {
    const z = (x - mu) / d.sigma;
    sum += Math.exp(-0.5 * z * z) / (d.sigma * Math.sqrt(2 * Math.PI));
  }
  return Math.log(sum / (d.mus.length + 1));
}

function parzenSample(d: Parzen, rng: Rng): number {
  const k = rng.nextInt(d.mus.length + 1);
  if (k === d.mus.length) return d.lo + (d.hi - d.lo) * rng.nextFloat();
  // Box-Muller from two uniforms, clipped into the range.
  const u1 = Math.max(rng.nextFloat(), Number.EPSILON);
  const normal = Math.sqrt(-2 * Math.log(u1)) * Math.cos(2 * Math.PI * rng.nextFloat());
  return Math.min(d.hi, Math.max(d.lo, (d.mus[k] as number) + d.sigma * normal));
}

function categoricalLogProb(
  values: readonly ParamValue[],
  choices: readonly ParamValue[],
  x: ParamValue,
): number {
  const count = values.filter((v) => v === x).length;
  return Math.log((count + 1) / (values.length + choices.length));
}

/** The next assignment to try, given what earlier proposals scored. */
export function proposeTpe(
  space: Readonly<Record<string, ParamSpec>>,
  history: readonly TpeObservation[],
  rng: Rng,
  options: TpeOptions,
): Assignment {
  if (history.length < options.startupSamples) return sampleAssignment(space, rng);
  const sorted = [...history].sort((a, b) => b.value - a.value);
  const nGood = Math.max(1, Math.ceil((options.gamma ?? 0.25) * sorted.length));
  const good = sorted.slice(0, nGood);
  const bad = sorted.slice(nGood);
  const names = Object.keys(space).sort();

  const candidates: { assignment: Record<string, ParamValue>; score: number }[] = [];
  for (let c = 0; c < (options.candidates ?? 24); c++) {
    const assignment: Record<string, ParamValue> = {};
    let score = 0;
    for (const name of names) {
      const p = space[name] as ParamSpec;
      const goodValues = good.map((o) => o.assignment[name]).filter((v): v is ParamValue => v !== undefined);
      const badValues = bad.map((o) => o.assignment[name]).filter((v): v is ParamValue => v !== undefined);
      if (p.type === 'choice') {
        // Sample from l: the good counts with a +1 prior per choice.
        const weights = p.values.map((v) => goodValues.filter((g) => g === v).length + 1);
        let r = rng.nextFloat() * weights.reduce((a, b) => a + b, 0);
        let pick = p.values[p.values.length - 1] as ParamValue;
        for (let i = 0; i < weights.length; i++) {
          r -= weights[i] as number;
          if (r < 0) {
            pick = p.values[i] as ParamValue;
            break;
          }
        }
        assignment[name] = pick;
        score +=
          categoricalLogProb(goodValues, p.values, pick) - categoricalLogProb(badValues, p.values, pick);
      } else {
        const l = parzen(p, goodValues as number[]);
        const g = parzen(p, badValues as number[]);
        const value = fromAxis(p, parzenSample(l, rng));
        assignment[name] = value;
        score += parzenLogDensity(l, toAxis(p, value)) - parzenLogDensity(g, toAxis(p, value));
      }
    }
    candidates.push({ assignment, score });
  }
  // Ties keep the earliest candidate, so the choice is a pure function of the stream.
  return candidates.reduce((best, c) => (c.score > best.score ? c : best)).assignment;
}
