// Coverage of MedSweep's intervals against known truth (the model and its algebra are in
// src/stats/coverage-simulation.ts). Prints a table, then, as its last line, one JSON object of coverage
// fractions keyed by interval and number of seeds (refused cells left out).
// Run from the repository root:
//   npm run stats:coverage [-- --replications 4000]
import { parseArgs } from 'node:util';
import { coverageFractions, coverageTable, simulateCoverage } from '../src/stats/coverage-simulation.js';

const { values } = parseArgs({ options: { replications: { type: 'string', default: '4000' } } });
const replications = Number(values.replications);
if (!Number.isInteger(replications) || replications < 1) {
  throw new Error(`--replications is ${values.replications}; expected a positive integer`);
}
const started = performance.now();
const study = simulateCoverage({ replications });
for (const line of coverageTable(study)) console.log(line);
console.log(`Simulated in ${((performance.now() - started) / 1000).toFixed(1)} s.`);
console.log(JSON.stringify(coverageFractions(study)));
