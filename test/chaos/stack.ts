// `node --conditions=@medsweep/source --import tsx test/chaos/stack.ts up|down`: the chaos suite's
// network and stack. `up` removes what a crashed earlier run left, creates the bridge, starts the
// production-shaped stack on it and prints the environment that points a process at it (last line, JSON);
// `down` removes everything the suite creates. global-setup.ts runs both (in a child process, so the
// stack code runs from its sources); test/chaos/run.sh's exit trap runs `down` as the last resort.
import { chaosStack } from './support/chaos-stack.js';
import { cleanupChaos } from './support/cleanup.js';
import { createBridge } from './support/netns.js';

const command = process.argv[2];
if (command === 'up') {
  await cleanupChaos();
  await createBridge();
  const stack = chaosStack();
  try {
    await stack.up();
  } catch (e) {
    await cleanupChaos();
    throw e;
  }
  console.log(JSON.stringify(stack.env));
} else if (command === 'down') {
  await cleanupChaos();
} else {
  console.error(`usage: test/chaos/stack.ts up|down (got ${command ?? 'nothing'})`);
  process.exitCode = 2;
}
