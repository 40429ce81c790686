// Student's t distribution with any positive (also fractional, Welch–Satterthwaite) degrees of freedom,
// for intervals over a handful of seeds. Tail from the regularised incomplete beta,
// P(T > t) = I_{nu/(nu+t^2)}(nu/2, 1/2) / 2 for t >= 0; quantile by safeguarded Newton steps on
// ln P(T > t) against ln t (nearly linear in the tails, so it converges in a few steps), started from the
// Cornish–Fisher expansion in the normal quantile (Abramowitz & Stegun 26.7.5). Beyond LARGE_DF that
// expansion alone is exact to double precision and is used both ways (the CDF by inverting it), because
// there the continued fraction loses digits: nu/(nu + t^2) rounds next to 1. Infinite degrees of freedom
// are the normal distribution.
import { logBeta, regularizedIncompleteBeta } from './beta.js';
import { normalCdf, normalQuantile } from './normal.js';

/**
 * From here on the Cornish–Fisher series through nu^-4 is within 1e-15 relative of the tail probability
 * (checked with 50-digit arithmetic down to tails of 1e-12); below it the continued fraction's rounding
 * error (growing ~nu * 1e-17) stays under 1e-12.
 */
const LARGE_DF = 2e4;

/** P(T > t) for t >= 0. */
function upperTail(t: number, df: number): number {
  if (df === Infinity) return normalCdf(-t);
  if (df >= LARGE_DF) return normalCdf(-invertCornishFisher(t, df));
  const t2 = t * t;
  return regularizedIncompleteBeta(df / (df + t2), df / 2, 0.5, t2 / (df + t2)) / 2;
}

/** The density at t. */
function density(t: number, df: number): number {
  return Math.exp(-((df + 1) / 2) * Math.log1p((t * t) / df) - 0.5 * Math.log(df) - logBeta(df / 2, 0.5));
}

/**
 * P(T <= t) for T ~ Student t with df > 0 degrees of freedom (Infinity: normal); NaN for invalid input.
 * Within 1e-12 relative of scipy.stats.t.cdf for tail probabilities above 1e-15; beyond 2e4 df the far
 * tails (|t| > 10) lose digits.
 */
export function studentTCdf(t: number, df: number): number {
  if (Number.isNaN(t) || !(df > 0)) return NaN;
  return t >= 0 ? 1 - upperTail(t, df) : upperTail(-t, df);
}

/** t quantile from the normal quantile z: A&S 26.7.5 through the nu^-4 term. */
function cornishFisher(z: number, df: number): number {
  const z2 = z * z;
  const g1 = (z * (z2 + 1)) / 4;
  const g2 = (z * ((5 * z2 + 16) * z2 + 3)) / 96;
  const g3 = (z * (((3 * z2 + 19) * z2 + 17) * z2 - 15)) / 384;
  const g4 = (z * ((((79 * z2 + 776) * z2 + 1482) * z2 - 1920) * z2 - 945)) / 92160;
  return z + (g1 + (g2 + (g3 + g4 / df) / df) / df) / df;
}

/** The z with cornishFisher(z, df) = t, for df >= LARGE_DF (Newton from z = t; the map is ~identity). */
function invertCornishFisher(t: number, df: number): number {
  let z = t;
  for (let step = 0; step < 20; step++) {
    const slope = 1 + (3 * z * z + 1) / (4 * df);
    const next = z - (cornishFisher(z, df) - t) / slope;
    if (Math.abs(next - z) <= 1e-16 * Math.max(1, Math.abs(z))) return next;
    z = next;
  }
  return z;
}

/** The t > 0 with P(T > t) = tail, for tail in (0, 1/2). */
function upperQuantile(tail: number, df: number): number {
  const z = -normalQuantile(tail);
  const start = cornishFisher(z, df);
  if (df >= LARGE_DF) return start;
  // Work in u = ln t, g(u) = ln P(T > e^u) - ln tail, decreasing in u; keep a bracket [lo, hi] around the
  // root and bisect whenever a Newton step would leave it.
  const g = (u: number) => Math.log(upperTail(Math.exp(u), df)) - Math.log(tail);
  let u = Math.log(Number.isFinite(start) && start > 0 ? start : z > 0 ? z : 1);
  let lo = u;
  let hi = u;
  while (g(lo) < 0) lo -= 1;
  while (g(hi) > 0) hi += 1;
  for (let step = 0; step < 200; step++) {
    const t = Math.exp(u);
    const value = g(u);
    if (value === 0) return t;
    if (value > 0) lo = u;
    else hi = u;
    // g'(u) = -t f(t) / P(T > t).
    const slope = (-t * density(t, df)) / upperTail(t, df);
    let next = u - value / slope;
    if (!(next > lo && next < hi)) next = (lo + hi) / 2;
    if (Math.abs(next - u) <= 1e-16 * Math.max(1, Math.abs(u)) || hi - lo <= 1e-15 * Math.abs(hi)) {
      return Math.exp(next);
    }
    u = next;
  }
  return Math.exp(u);
}

/**
 * The t with P(T <= t) = p for T ~ Student t with df > 0 degrees of freedom (Infinity: normal): -Infinity
 * and +Infinity at p = 0 and 1, NaN for invalid input. Within 1e-12 relative of scipy.stats.t.ppf (the
 * reference fixture checks integer and fractional df from 0.5 to 10^9 and p from 1e-10 to 0.9995).
 */
export function studentTQuantile(p: number, df: number): number {
  if (Number.isNaN(p) || p < 0 || p > 1 || !(df > 0)) return NaN;
  if (df === Infinity) return normalQuantile(p);
  if (p === 0) return -Infinity;
  if (p === 1) return Infinity;
  if (p === 0.5) return 0;
  return p > 0.5 ? upperQuantile(1 - p, df) : -upperQuantile(p, df);
}
