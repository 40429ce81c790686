// The API: every router under its entity's name. apps/web mounts it at /api/trpc.
import type { inferRouterInputs, inferRouterOutputs } from '@trpc/server';
import { adminRouter } from './routers/admin.js';
import { artifactsRouter } from './routers/artifacts.js';
import { auditRouter } from './routers/audit.js';
import { authRouter } from './routers/auth.js';
import { datasetsRouter } from './routers/datasets.js';
import { evaluationsRouter } from './routers/evaluations.js';
import { leaderboardRouter } from './routers/leaderboard.js';
import { progressRouter } from './routers/progress.js';
import { projectsRouter } from './routers/projects.js';
import { reportsRouter } from './routers/reports.js';
import { sweepsRouter } from './routers/sweeps.js';
import { trialsRouter } from './routers/trials.js';
import { weightsRouter } from './routers/weights.js';
import { createCallerFactory, router } from './trpc.js';

export const appRouter = router({
  auth: authRouter,
  projects: projectsRouter,
  sweeps: sweepsRouter,
  progress: progressRouter,
  trials: trialsRouter,
  leaderboard: leaderboardRouter,
  evaluations: evaluationsRouter,
  reports: reportsRouter,
  datasets: datasetsRouter,
  weights: weightsRouter,
  artifacts: artifactsRouter,
  audit: auditRouter,
  admin: adminRouter,
});

export type AppRouter = typeof appRouter;
export type RouterInputs = inferRouterInputs<AppRouter>;
export type RouterOutputs = inferRouterOutputs<AppRouter>;

/** Calls procedures in-process (server components, tests): `createCaller(await createContext(...))`. */
export const createCaller = createCallerFactory(appRouter);
