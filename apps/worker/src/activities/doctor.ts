import type { DoctorActivities, WorkerIdentity } from '@medsweep/workflows';
import type { ObjectStore } from '@medsweep/storage';
import type { Db } from '@medsweep/db';
import { databaseServerVersion } from '@medsweep/db';
import { recordWorker } from '../worker-registry.js';

export interface DoctorDeps {
  store: ObjectStore;
  db: Db;
  worker: WorkerIdentity;
}

/** Activities that prove a worker's wiring; built from injected dependencies so tests pass their own. */
export function createDoctorActivities({ store, db, worker }: DoctorDeps): DoctorActivities {
  return {
    async probeWorker({ probeId }) {
      const s3Start = performance.now();
      const payload = new TextEncoder().encode(
        JSON.stringify({ probeId, worker, at: new Date().toISOString() }),
      );
      // Keyed by probe id: a retried activity overwrites its own object instead of leaving another.
      const stored = await store.put(`doctor/${probeId}.json`, payload, 'application/json');
      await store.get(stored.key, stored.sha256);
      const s3Ms = performance.now() - s3Start;

      const dbStart = performance.now();
      const workerRowId = await recordWorker(db, worker);
      const serverVersion = await databaseServerVersion(db);
      return {
        worker,
        s3: { uri: stored.uri, sha256: stored.sha256, roundTripMs: Math.round(s3Ms) },
        db: {
          workerRowId,
          serverVersion,
          roundTripMs: Math.round(performance.now() - dbStart),
        },
      };
    },
  };
}
