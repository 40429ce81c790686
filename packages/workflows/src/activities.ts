// Activity contracts only: workflow code imports these as types; apps/worker implements them.

/** What a worker reports about itself; recorded so results can name the process that produced them. */
export interface WorkerIdentity {
  identity: string;
  host: string;
  pid: number;
  queue: string;
  /** tfjs backend name and versions, e.g. `tensorflow (libtensorflow 2.21.0)`; absent on control workers. */
  backend?: string;
}

export interface DoctorReport {
  worker: WorkerIdentity;
  s3: { uri: string; sha256: string; roundTripMs: number };
  db: { workerRowId: string; serverVersion: string; roundTripMs: number };
}

export interface DoctorActivities {
  /** Proves this worker can reach object storage and the database: writes, reads back and verifies both. */
  probeWorker(input: { probeId: string }): Promise<DoctorReport>;
}
