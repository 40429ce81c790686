// The datasets registered in a project (by `medsweep data import`), newest first.
import { listDatasets } from '@medsweep/db';
import { projectInput } from '../inputs.js';
import { projectBySlug } from '../locate.js';
import { projectProcedure, router } from '../trpc.js';

export const datasetsRouter = router({
  list: projectProcedure(projectInput, 'project.read', projectBySlug).query(({ ctx }) =>
    listDatasets(ctx.db, ctx.located.project.id),
  ),
});
