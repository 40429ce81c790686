// Timings of the sort-based metrics at scale (not a unit test: numbers depend on the machine).
// Run from the repository root:
//   node --conditions=@medsweep/source --import tsx packages/core/scripts/bench-metrics.ts
import { auc, delongTest, pairedBootstrapAucDifference, rocCurves, Rng } from '@medsweep/core';

function syntheticBinary(n: number, seed: number) {
  const rng = Rng.fromSeed(seed);
  const yTrue = new Uint8Array(n);
  const a = new Float32Array(n);
  const b = new Float32Array(n);
  for (let i = 0; i < n; i++) {
    const label = rng.nextFloat() < 0.3 ? 1 : 0;
    const shared = rng.nextFloat();
    yTrue[i] = label;
    a[i] = shared + 0.5 * label + 0.3 * rng.nextFloat();
    b[i] = shared + 0.4 * label + 0.3 * rng.nextFloat();
  }
  return { yTrue, a: { values: a, numColumns: 1 }, b: { values: b, numColumns: 1 } };
}

function time(label: string, repeats: number, fn: () => unknown): number {
  fn(); // warm-up (JIT)
  const started = performance.now();
  for (let r = 0; r < repeats; r++) fn();
  const ms = (performance.now() - started) / repeats;
  console.log(`${label.padEnd(48)} ${ms.toFixed(1).padStart(8)} ms`);
  return ms;
}

const million = syntheticBinary(1_000_000, 1);
const results = {
  auc1e6Ms: time('auc, 1,000,000 samples', 5, () => auc(million.yTrue, million.a, 'binary-class')),
  roc1e6Ms: time('rocCurves, 1,000,000 samples', 3, () =>
    rocCurves(million.yTrue, million.a, 'binary-class'),
  ),
  delong1e6Ms: time('delongTest, 1,000,000 samples', 3, () =>
    delongTest(million.yTrue, million.a, million.b, 'binary-class'),
  ),
};
const tenThousand = syntheticBinary(10_000, 2);
const bootstrapMs = time('pairedBootstrapAucDifference, 10,000 x 2,000', 1, () =>
  pairedBootstrapAucDifference(tenThousand.yTrue, tenThousand.a, tenThousand.b, 'binary-class'),
);
console.log(JSON.stringify({ ...results, pairedBootstrap1e4x2000Ms: bootstrapMs }));
