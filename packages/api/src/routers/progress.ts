// Live sweep progress for clients that poll it (the CLI's `sweep watch`): what the sweep workflow reports
// and, per running trial, its epoch, batch and loss from the last heartbeat.
import { projectOfSweep } from '../locate.js';
import { sweepInput } from '../inputs.js';
import { liveProgress } from '../services/progress.js';
import { projectProcedure, router } from '../trpc.js';

export const progressRouter = router({
  /**
   * The sweep's recorded status, its spec's epoch budget (what trial bars count to) and its workflow's
   * live progress: null when the sweep has no workflow (never started, or past Temporal's retention).
   */
  get: projectProcedure(sweepInput, 'project.read', projectOfSweep).query(async ({ ctx }) => {
    const { sweep } = ctx.located;
    const budget = (sweep.spec as { budget?: { maxEpochs?: number } }).budget;
    return {
      sweepId: sweep.id,
      status: sweep.status,
      maxEpochs: budget?.maxEpochs ?? null,
      live: await liveProgress(await ctx.temporal(), sweep.id),
    };
  }),
});
