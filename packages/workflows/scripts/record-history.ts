// Saves the event history of a finished workflow as a replay fixture:
//   node --conditions=@medsweep/source --import tsx packages/workflows/scripts/record-history.ts <workflowId> <file>
// Replay tests then prove that today's workflow code still makes the same decisions on it.
import { writeFileSync } from 'node:fs';
import { Client, Connection } from '@temporalio/client';
import { historyToJSON } from '@temporalio/common/lib/proto-utils.js';
import { loadConfig } from '@medsweep/config';

const [workflowId, file] = process.argv.slice(2);
if (!workflowId || !file) {
  console.error('usage: record-history.ts <workflowId> <output.json>');
  process.exit(2);
}
const config = loadConfig();
const connection = await Connection.connect({ address: config.temporal.address });
try {
  const client = new Client({ connection, namespace: config.temporal.namespace });
  const history = await client.workflow.getHandle(workflowId).fetchHistory();
  writeFileSync(file, `${historyToJSON(history)}\n`);
  console.log(`wrote ${history.events?.length ?? 0} events of ${workflowId} to ${file}`);
} finally {
  await connection.close();
}
