import { randomUUID } from 'node:crypto';
import type { Client } from '@temporalio/client';
import type { Command } from 'commander';
import { doctorWorkflowId, isTaskQueue, TASK_QUEUES } from '@medsweep/workflows';
import type { doctorWorkflow, DoctorReport } from '@medsweep/workflows';
import { withContext } from '../context.js';
import { describeError, EXIT } from '../output.js';

/** Thrown when no worker of a queue picked up the probe in time. */
export class NoWorkerError extends Error {
  constructor(
    readonly queue: string,
    readonly waitedMs: number,
  ) {
    super(
      `no worker answered on task queue '${queue}' within ${waitedMs / 1000}s: start one with medsweep-worker --queue ${queue}`,
    );
    this.name = 'NoWorkerError';
  }
}

/** Runs the doctor workflow on one queue; a worker of that queue must be polling. */
export async function probeQueue(client: Client, queue: string, timeoutMs: number): Promise<DoctorReport> {
  const probeId = randomUUID();
  const handle = await client.workflow.start<typeof doctorWorkflow>('doctorWorkflow', {
    taskQueue: TASK_QUEUES.control,
    workflowId: doctorWorkflowId(queue, probeId),
    args: [{ probeId, queue }],
    // Without a worker the workflow would wait forever; the doctor must answer.
    workflowExecutionTimeout: timeoutMs,
  });
  try {
    return await handle.result();
  } catch (e) {
    if (
      (e as Error).name === 'WorkflowFailedError' &&
      /timed out/i.test(String((e as { cause?: Error }).cause?.message ?? e))
    ) {
      throw new NoWorkerError(queue, timeoutMs);
    }
    throw e;
  }
}

export function registerDoctorCommand(program: Command): void {
  program
    .command('doctor')
    .description('prove each worker queue reaches Temporal, S3 and Postgres end to end')
    .option('--queue <queue...>', 'queues to probe', [TASK_QUEUES.control, TASK_QUEUES.train])
    .option('--timeout <seconds>', 'how long to wait for a worker', '30')
    .option('--json', 'one JSON object on stdout')
    .action(async (opts: { queue: string[]; timeout: string; json?: boolean }) => {
      const queues = opts.queue.map((q) => {
        if (!isTaskQueue(q))
          throw new RangeError(`--queue must be one of ${Object.values(TASK_QUEUES).join(', ')}, got ${q}`);
        return q;
      });
      await withContext(async (ctx) => {
        const client = await ctx.temporal();
        const out = await Promise.all(
          queues.map(async (queue) => {
            try {
              return {
                queue,
                ok: true as const,
                report: await probeQueue(client, queue, Number(opts.timeout) * 1000),
              };
            } catch (e) {
              return { queue, ok: false as const, error: describeError(e) };
            }
          }),
        );
        if (opts.json) console.log(JSON.stringify(out));
        else
          for (const r of out) {
            if (r.ok) {
              const { worker, s3, db } = r.report;
              const backend = worker.backend ? ` [${worker.backend}]` : '';
              console.log(
                `OK   ${r.queue.padEnd(8)} ${worker.identity}${backend}  s3 ${s3.roundTripMs} ms  postgres ${db.serverVersion} ${db.roundTripMs} ms`,
              );
            } else console.log(`FAIL ${r.queue.padEnd(8)} ${r.error}`);
          }
        if (out.some((r) => !r.ok)) process.exitCode = EXIT.checkFailed;
      });
    });
}
