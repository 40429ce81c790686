// The projects the caller can act in, with its role in each.
import { permissionsOf, tokenPermissions } from '../auth/permissions.js';
import { membershipsOf } from '../auth/principal.js';
import { authedProcedure, router } from '../trpc.js';

export const projectsRouter = router({
  /** Projects the caller is a member of (an API token: its own project), each with the caller's role. */
  list: authedProcedure.query(async ({ ctx }) => {
    const { principal } = ctx;
    const memberships = await membershipsOf(ctx.db, principal);
    return memberships.map(({ project, role }) => {
      const actions =
        principal.kind === 'token' ? tokenPermissions(principal.role, role) : permissionsOf(role);
      return {
        id: project.id,
        slug: project.slug,
        name: project.name,
        description: project.description,
        createdAt: project.createdAt,
        role: principal.kind === 'token' ? principal.role : role,
        /** What the caller may do there (the dashboard hides what it may not). */
        actions: [...actions],
      };
    });
  }),
});
