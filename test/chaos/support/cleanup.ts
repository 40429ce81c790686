// Removes everything the chaos suite creates: processes left in its worker namespaces, its stack's
// servers, the namespaces, veth pairs and bridge. Run before the suite (a crashed run's leftovers) and
// after it, pass or fail (test/chaos/stack.ts).
import { chaosStack } from './chaos-stack.js';
import { removeLeftovers } from './netns.js';

export async function cleanupChaos(): Promise<void> {
  await removeLeftovers();
  await chaosStack().destroy();
}
