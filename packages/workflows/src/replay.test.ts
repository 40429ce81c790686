import { readdirSync, readFileSync } from 'node:fs';
import { gunzipSync } from 'node:zlib';
import { fileURLToPath } from 'node:url';
import { historyFromJSON } from '@temporalio/common/lib/proto-utils.js';
import { Worker } from '@temporalio/worker';
import { describe, expect, it } from 'vitest';
import { workflowsPath } from './paths.js';

// Histories recorded from real runs (scripts/record-history.ts, or `temporal workflow show -o json` for an
// earlier run of a continued-as-new sweep; large ones gzipped). Replaying them with the current code fails
// on any change that would break workflows already running in production.
const dir = fileURLToPath(new URL('../histories/', import.meta.url));
const fixtures = readdirSync(dir).filter((f) => f.endsWith('.json') || f.endsWith('.json.gz'));
const read = (file: string) => {
  const bytes = readFileSync(`${dir}${file}`);
  return (file.endsWith('.gz') ? gunzipSync(bytes) : bytes).toString('utf8');
};

describe('workflow replay', () => {
  it('has recorded histories to replay', () => {
    expect(fixtures.length).toBeGreaterThan(0);
  });

  it.each(fixtures)('replays %s without nondeterminism', async (file) => {
    const history = historyFromJSON(JSON.parse(read(file)));
    const workflowType = history.events?.[0]?.workflowExecutionStartedEventAttributes?.workflowType?.name;
    expect(workflowType).toBeTruthy();
    await Worker.runReplayHistory({ workflowsPath: workflowsPath() }, history, file);
  });
});
