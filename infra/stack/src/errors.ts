/** Thrown when a service's address is already taken by a process this stack did not start. */
export class PortInUseError extends Error {
  constructor(
    readonly service: string,
    readonly address: string,
    readonly setting: string,
  ) {
    super(
      `${service}: ${address} is already in use by another process (not started by this stack); stop that process or set ${setting} to a free port`,
    );
    this.name = 'PortInUseError';
  }
}

/** Thrown when a binary the stack needs is missing; says which command installs it. */
export class MissingBinaryError extends Error {
  constructor(
    readonly service: string,
    readonly path: string,
  ) {
    // The cluster's binaries are built only when set-up is asked for them.
    const setup = service.startsWith('temporal-')
      ? 'MEDSWEEP_SETUP_CLUSTER=1 npm run setup'
      : 'npm run setup';
    super(`${service}: binary not found at ${path}; run ${setup} (infra/setup.sh) to install it`);
    this.name = 'MissingBinaryError';
  }
}

/** Thrown when a service did not become healthy in time; points at its log file. */
export class ServiceUnhealthyError extends Error {
  constructor(
    readonly service: string,
    readonly detail: string,
    readonly logFile?: string,
  ) {
    super(`${service}: ${detail}${logFile ? ` (log: ${logFile})` : ''}`);
    this.name = 'ServiceUnhealthyError';
  }
}

/**
 * Thrown when the Temporal cluster's ports, pinned from the frontend's, would reach above 32767: Temporal
 * keeps each service's membership port in a smallint column (cluster_membership.rpc_port) and a service
 * whose port does not fit cannot join the cluster.
 */
export class TemporalClusterPortError extends Error {
  constructor(
    readonly address: string,
    readonly highestPort: number,
  ) {
    super(
      `Temporal cluster: TEMPORAL_ADDRESS ${address} puts its membership ports up to ${highestPort}, but Temporal stores them as a smallint (at most 32767); use a frontend port of at most 32760`,
    );
    this.name = 'TemporalClusterPortError';
  }
}
