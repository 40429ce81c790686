// Search spaces: enumerate (grid) or sample (random) hyperparameter assignments, deterministically.
import type { Rng } from '../random.js';
import type { ParamSpec } from './spec.js';

export type ParamValue = number | string;
export type Assignment = Readonly<Record<string, ParamValue>>;

/** The values of one parameter on a grid: its choices, or every step of an int range. */
function gridValues(p: ParamSpec): ParamValue[] {
  switch (p.type) {
    case 'choice':
      return [...p.values];
    case 'int': {
      const step = p.step ?? 1;
      const out: number[] = [];
      for (let v = p.min; v <= p.max; v += step) out.push(v);
      return out;
    }
    case 'uniform':
    case 'log-uniform':
      throw new RangeError(
        `a ${p.type} parameter has no grid; the spec validator rejects it for grid search`,
      );
    default:
      return assertNever(p);
  }
}

function assertNever(x: never): never {
  throw new Error(`unhandled parameter ${JSON.stringify(x)}`);
}

/** Names in a fixed order, so the same space always enumerates and samples identically. */
const orderedNames = (space: Readonly<Record<string, ParamSpec>>) => Object.keys(space).sort();

/** Number of points on the grid of `space`. */
export function gridSize(space: Readonly<Record<string, ParamSpec>>): number {
  return orderedNames(space).reduce((n, name) => n * gridValues(space[name] as ParamSpec).length, 1);
}

/** The `index`-th grid point (mixed-radix over the parameters in name order), without building the grid. */
export function gridPoint(space: Readonly<Record<string, ParamSpec>>, index: number): Assignment {
  const out: Record<string, ParamValue> = {};
  let rest = index;
  for (const name of orderedNames(space).reverse()) {
    const values = gridValues(space[name] as ParamSpec);
    out[name] = values[rest % values.length] as ParamValue;
    rest = Math.floor(rest / values.length);
  }
  return out;
}

/** One value of a parameter drawn from `rng`. */
export function sampleParam(p: ParamSpec, rng: Rng): ParamValue {
  switch (p.type) {
    case 'choice':
      return p.values[rng.nextInt(p.values.length)] as ParamValue;
    case 'uniform':
      return p.min + (p.max - p.min) * rng.nextFloat();
    case 'log-uniform':
      return Math.exp(Math.log(p.min) + (Math.log(p.max) - Math.log(p.min)) * rng.nextFloat());
    case 'int': {
      const step = p.step ?? 1;
      return p.min + step * rng.nextInt(Math.floor((p.max - p.min) / step) + 1);
    }
    default:
      return assertNever(p);
  }
}

/** A random assignment: every parameter drawn in name order from one stream. */
export function sampleAssignment(space: Readonly<Record<string, ParamSpec>>, rng: Rng): Assignment {
  const out: Record<string, ParamValue> = {};
  for (const name of orderedNames(space)) out[name] = sampleParam(space[name] as ParamSpec, rng);
  return out;
}
