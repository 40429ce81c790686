// The initial-weights sources registered in a project: uploaded files and earlier trials' outputs.
import { listWeightsSources } from '@medsweep/db';
import { projectInput } from '../inputs.js';
import { projectBySlug } from '../locate.js';
import { projectProcedure, router } from '../trpc.js';

export const weightsRouter = router({
  list: projectProcedure(projectInput, 'project.read', projectBySlug).query(({ ctx }) =>
    listWeightsSources(ctx.db, ctx.located.project.id),
  ),
});
