// The initial-weights sources registered in a project: uploaded files and earlier trials' outputs.
import { projectInput } from '../inputs.js';
import { projectBySlug } from '../locate.js';
import { projectProcedure, router } from '../trpc.js';

export const weightsRouter = router({
  list: projectProcedure(projectInput, 'project.read', projectBySlug).query(({ ctx }) =>
    ctx.db.weightsSource.findMany({
      where: { projectId: ctx.located.project.id },
      orderBy: [{ name: 'asc' }],
      select: {
        id: true,
        name: true,
        kind: true,
        architecture: true,
        format: true,
        sha256: true,
        sourceTrialId: true,
        createdAt: true,
      },
    }),
  ),
});
