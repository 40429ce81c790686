// The gamma and beta functions the Student t distribution needs, to near double precision, without a
// dependency. log Gamma uses Stirling's series with Bernoulli-number corrections above 10 and the
// recurrence Gamma(z) = Gamma(z + k) / (z (z + 1) ... (z + k - 1)) below; log Beta writes the large
// arguments' Stirling terms as differences (log1p), so Beta(nu/2, 1/2) stays accurate at nu in the
// millions where lgamma(a) + lgamma(b) - lgamma(a + b) would cancel. The regularised incomplete beta is
// the continued fraction of DLMF 8.17.22, evaluated by the modified Lentz method on the side of the
// symmetry I_x(a, b) = 1 - I_{1-x}(b, a) where it converges quickly.

const HALF_LOG_2PI = 0.5 * Math.log(2 * Math.PI);

/** Where Stirling's series with the terms below is accurate to ~1e-17 (its next term is 3e-17 at 10). */
const STIRLING_FROM = 10;

/** B_2k / (2k (2k - 1)) for k = 1..8: the coefficients of z^-(2k-1) in log Gamma's Stirling series. */
const STIRLING_COEFFICIENTS = [
  1 / 12,
  -1 / 360,
  1 / 1260,
  -1 / 1680,
  1 / 1188,
  -691 / 360360,
  1 / 156,
  -3617 / 122400,
];

/** log Gamma(z) - ((z - 1/2) ln z - z + ln(2 pi)/2) for z >= STIRLING_FROM, smallest term first. */
function stirlingCorrection(z: number): number {
  const inverseSquare = 1 / (z * z);
  let sum = 0;
  for (let k = STIRLING_COEFFICIENTS.length - 1; k >= 0; k--) {
    sum = sum * inverseSquare + (STIRLING_COEFFICIENTS[k] as number);
  }
  return sum / z;
}

/** ln Gamma(z) for z > 0 (absolute error ~1e-15 near the zeros at 1 and 2, relative ~1e-16 elsewhere). */
export function logGamma(z: number): number {
  if (!(z > 0)) return NaN;
  let shifted = z;
  let product = 1;
  while (shifted < STIRLING_FROM) {
    product *= shifted;
    shifted += 1;
  }
  const stirling = (shifted - 0.5) * Math.log(shifted) - shifted + HALF_LOG_2PI + stirlingCorrection(shifted);
  return stirling - Math.log(product);
}

/** ln B(a, b) = ln Gamma(a) + ln Gamma(b) - ln Gamma(a + b) for a, b > 0. */
export function logBeta(a: number, b: number): number {
  if (!(a > 0 && b > 0)) return NaN;
  const small = Math.min(a, b);
  const large = Math.max(a, b);
  if (large < STIRLING_FROM) return logGamma(small) + logGamma(large) - logGamma(small + large);
  const sum = small + large;
  const correction = stirlingCorrection(large) - stirlingCorrection(sum);
  if (small < STIRLING_FROM) {
    // ln Gamma(large) - ln Gamma(sum) from the two Stirling forms, their large terms cancelled exactly.
    return (
      logGamma(small) - small * Math.log(sum) - (large - 0.5) * Math.log1p(small / large) + small + correction
    );
  }
  return (
    HALF_LOG_2PI -
    0.5 * Math.log(large) +
    (small - 0.5) * Math.log(small / sum) -
    large * Math.log1p(small / large) +
    stirlingCorrection(small) +
    correction
  );
}

const MAX_FRACTION_TERMS = 100_000;

/**
 * The continued fraction of I_x(a, b) (DLMF 8.17.22): 1 / (1 + d1 / (1 + d2 / (1 + ...))) with
 * d(2m+1) = -(a + m)(a + b + m) x / ((a + 2m)(a + 2m + 1)) and d(2m) = m (b - m) x / ((a + 2m - 1)(a + 2m)).
 * It converges fast for x < (a + 1) / (a + b + 2); at a ~ 10^6 in that region it needs a few thousand terms.
 */
function betaContinuedFraction(x: number, a: number, b: number): number {
  const tiny = 1e-300;
  let f = 1;
  let c = 1;
  let d = 0;
  for (let k = 1; k <= MAX_FRACTION_TERMS; k++) {
    const m = Math.floor(k / 2);
    const numerator =
      k % 2 === 1
        ? (-(a + m) * (a + b + m) * x) / ((a + 2 * m) * (a + 2 * m + 1))
        : (m * (b - m) * x) / ((a + 2 * m - 1) * (a + 2 * m));
    d = 1 + numerator * d;
    d = Math.abs(d) < tiny ? 1 / tiny : 1 / d;
    c = 1 + numerator / c;
    if (Math.abs(c) < tiny) c = tiny;
    const delta = c * d;
    f *= delta;
    if (Math.abs(delta - 1) < 1e-16) break;
  }
  return 1 / f;
}

/**
 * x^a y^b / (a B(a, b)) from ln x and ln y: the factor in front of the continued fraction. At a ~ 10^6
 * and x near 1, a ln x must come from log1p(-y), not from the rounded x.
 */
function frontFactor(logX: number, logY: number, a: number, b: number): number {
  return Math.exp(a * logX + b * logY - logBeta(a, b)) / a;
}

/**
 * The regularised incomplete beta function I_x(a, b) for a, b > 0 and x in [0, 1]. Pass `y` = 1 - x when
 * it is known more precisely than 1 - x can be computed (e.g. t^2 / (nu + t^2) beside nu / (nu + t^2)).
 * NaN outside the domain.
 */
export function regularizedIncompleteBeta(x: number, a: number, b: number, y = 1 - x): number {
  if (!(a > 0 && b > 0 && x >= 0 && x <= 1 && y >= 0 && y <= 1)) return NaN;
  if (x === 0) return 0;
  if (y === 0) return 1;
  const logX = x > 0.5 ? Math.log1p(-y) : Math.log(x);
  const logY = y > 0.5 ? Math.log1p(-x) : Math.log(y);
  if (x < (a + 1) / (a + b + 2)) return frontFactor(logX, logY, a, b) * betaContinuedFraction(x, a, b);
  return 1 - frontFactor(logY, logX, b, a) * betaContinuedFraction(y, b, a);
}
