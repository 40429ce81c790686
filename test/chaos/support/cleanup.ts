// Removes everything the chaos suite creates: processes left in its worker namespaces, its stack's
// servers, the namespaces, veth pairs and bridge. Run before the suite (a crashed run's leftovers) and
// after it, pass or fail (test/chaos/stack.ts).
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { chaosStack } from './chaos-stack.js';
import { CHAOS_NET, removeLeftovers } from './netns.js';

const run = promisify(execFile);

/** SIGKILLs every process still inside one of the suite's namespaces (only the suite starts them there). */
async function killNamespaceProcesses(): Promise<number> {
  const { stdout } = await run('ip', ['netns', 'list']);
  let killed = 0;
  for (const netns of stdout.split('\n').map((l) => l.split(' ')[0] ?? '')) {
    if (!netns.startsWith(CHAOS_NET.prefix)) continue;
    const pids = (await run('ip', ['netns', 'pids', netns])).stdout.split('\n').filter(Boolean);
    for (const pid of pids) {
      try {
        process.kill(Number(pid), 'SIGKILL');
        killed++;
      } catch {
        /* already gone */
      }
    }
  }
  return killed;
}

export async function cleanupChaos(): Promise<void> {
  await killNamespaceProcesses();
  await chaosStack().destroy();
  await removeLeftovers();
}
