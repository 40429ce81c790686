// The CLI's own failures (the API's come back as ApiRequestError): one class per failure, each saying what
// was wrong, where, and what to do.

/** The user's config file exists but cannot be used: unreadable JSON, wrong shape, or readable by others. */
export class ConfigFileError extends Error {
  constructor(
    readonly path: string,
    readonly problem: string,
  ) {
    super(`${path}: ${problem}`);
    this.name = 'ConfigFileError';
  }
}

/** A command needs a server and token, and neither a profile nor MEDSWEEP_SERVER/MEDSWEEP_TOKEN gives them. */
export class NotLoggedInError extends Error {
  constructor(
    readonly profile: string,
    readonly path: string,
  ) {
    super(
      `not logged in (profile '${profile}', ${path}): run \`medsweep login --server URL${profile === 'default' ? '' : ` --profile ${profile}`}\` or set MEDSWEEP_SERVER and MEDSWEEP_TOKEN`,
    );
    this.name = 'NotLoggedInError';
  }
}

/**
 * `medsweep logout` forgot the profile but could not revoke its token on the server (unreachable, or it
 * answered with an error): the token stays valid until it expires or someone revokes it.
 */
export class TokenNotRevokedError extends Error {
  constructor(
    readonly profile: string,
    readonly server: string,
    cause: unknown,
  ) {
    super(
      `profile '${profile}' removed, but its token was NOT revoked (${cause instanceof Error ? cause.message : String(cause)}). ` +
        `It stays valid until it expires: revoke it under API tokens on ${server}/account once the server is reachable, ` +
        `or ask a project admin to revoke it (admin.revokeToken)`,
      { cause },
    );
    this.name = 'TokenNotRevokedError';
  }
}

/** A job the CLI asked the API for (a verification, an evaluation) failed on the workers. */
export class WorkerJobFailedError extends Error {
  constructor(
    readonly job: 'verification' | 'evaluation',
    readonly workflowId: string,
    readonly reason: string,
  ) {
    super(`${job} ${workflowId} failed on the workers: ${reason}`);
    this.name = 'WorkerJobFailedError';
  }
}

/** A call to the API failed; the message is what the user should read, the fields what a script checks. */
export class ApiRequestError extends Error {
  constructor(
    /** The procedure, e.g. `sweeps.cancel`. */
    readonly procedure: string,
    /** tRPC's code, e.g. `FORBIDDEN`; `UNREACHABLE` when no answer came. */
    readonly code: string,
    /** The HTTP status; null when no answer came. */
    readonly httpStatus: number | null,
    message: string,
  ) {
    super(message);
    this.name = code === 'UNREACHABLE' ? 'ApiUnreachableError' : 'ApiRequestError';
  }
}

/** A listing needs a project, and neither --project nor the login names one. */
export class NoProjectError extends Error {
  constructor(readonly projects: string[]) {
    super(
      `--project <slug> is needed: you are in ${projects.length === 0 ? 'no project' : projects.join(', ')}`,
    );
    this.name = 'NoProjectError';
  }
}
