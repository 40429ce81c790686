// The datasets registered in a project (by `medsweep data import`), newest first.
import { projectInput } from '../inputs.js';
import { projectBySlug } from '../locate.js';
import { projectProcedure, router } from '../trpc.js';

export const datasetsRouter = router({
  list: projectProcedure(projectInput, 'project.read', projectBySlug).query(({ ctx }) =>
    ctx.db.dataset.findMany({
      where: { projectId: ctx.located.project.id },
      orderBy: [{ createdAt: 'desc' }, { id: 'desc' }],
      select: {
        id: true,
        name: true,
        contentHash: true,
        splits: true,
        numClasses: true,
        task: true,
        licence: true,
        source: true,
        createdAt: true,
      },
    }),
  ),
});
