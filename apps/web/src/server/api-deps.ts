// The API's dependencies, made once per server process by packages/api's composition root (the Prisma
// pool, the object store, and a Temporal client opened on first use, so a stopped Temporal never blocks
// reading pages).
import { apiDepsFromConfig } from '@medsweep/api';
import type { ApiDeps } from '@medsweep/api';

let deps: ApiDeps | undefined;

export function apiDeps(): ApiDeps {
  return (deps ??= apiDepsFromConfig());
}
