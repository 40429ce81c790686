/** Thrown when a spec names a dataset the project has not registered. */
export class UnknownDatasetError extends Error {
  constructor(
    readonly project: string,
    readonly dataset: string,
    readonly registered: readonly string[],
  ) {
    super(
      `dataset: '${dataset}' is not registered in project '${project}' (registered: ${registered.length ? registered.join(', ') : 'none'}); import it with medsweep data import`,
    );
    this.name = 'UnknownDatasetError';
  }
}

/**
 * Thrown at submission when the spec's dataset is leaky (its splits share patients, studies or
 * identical or near-identical images) and the spec does not say why a sweep may train on it anyway.
 */
export class LeakyDatasetError extends Error {
  constructor(
    readonly project: string,
    readonly dataset: string,
    /** The counts that made it leaky, as its import reported them. */
    readonly counts: {
      patientsInSeveralSplits: number;
      studiesInSeveralSplits: number;
      crossSplitExactDuplicates: number;
      crossSplitNearDuplicates: number;
    },
  ) {
    super(
      `dataset: '${dataset}' in project '${project}' is leaky: ${counts.patientsInSeveralSplits} patient(s) and ` +
        `${counts.studiesInSeveralSplits} study(ies) are in more than one split, and ` +
        `${counts.crossSplitExactDuplicates} identical and ${counts.crossSplitNearDuplicates} near-duplicate ` +
        'image pair(s) cross splits, so test results would be optimistic; fix the splits and import it again, ' +
        `or say why this sweep may train on it: dataset: { name: ${dataset}, allowLeakage: "<reason>" }`,
    );
    this.name = 'LeakyDatasetError';
  }
}

/** Thrown when a pretrained arm has no weights source for some architecture of the spec. */
export class UnknownWeightsError extends Error {
  constructor(
    readonly project: string,
    /** Weights source names that were looked for and not found, `<ref>/<architecture>`. */
    readonly missing: readonly string[],
  ) {
    super(
      `arms: no weights source ${missing.map((m) => `'${m}'`).join(', ')} in project '${project}'; register one with medsweep weights register (a pretrained:<ref> arm needs '<ref>/<architecture>' for every architecture)`,
    );
    this.name = 'UnknownWeightsError';
  }
}

/** Thrown when an operation names a sweep that does not exist. */
export class SweepNotFoundError extends Error {
  constructor(readonly sweepId: string) {
    super(`sweep ${sweepId} does not exist`);
    this.name = 'SweepNotFoundError';
  }
}

// ─── Access control ─────────────────────────────────────────────────────────────────────────────────

/** Thrown when a call that needs a login or an API token comes with neither (or with an invalid one). */
export class NotAuthenticatedError extends Error {
  constructor(readonly reason: string) {
    super(`not signed in: ${reason}; log in (auth.login) or send Authorization: Bearer <api token>`);
    this.name = 'NotAuthenticatedError';
  }
}

/** Thrown by login when the email is unknown or the password does not match (deliberately not saying which). */
export class InvalidCredentialsError extends Error {
  constructor() {
    super('email or password is wrong');
    this.name = 'InvalidCredentialsError';
  }
}

/** Thrown by login while an email has had too many failed sign-ins recently; says when to try again. */
export class TooManyLoginAttemptsError extends Error {
  constructor(
    readonly failures: number,
    readonly windowMinutes: number,
    readonly retryAt: Date,
  ) {
    super(
      `too many failed sign-ins for this email (${failures} in ${windowMinutes} minutes): try again after ${retryAt.toISOString()}`,
    );
    this.name = 'TooManyLoginAttemptsError';
  }
}

/** Thrown by login (after the password matched) and at every use of a disabled user's credentials. */
export class AccountDisabledError extends Error {
  constructor() {
    super('this account is disabled: an instance admin can enable it again');
    this.name = 'AccountDisabledError';
  }
}

/** Thrown by changePassword when the current password given does not match. */
export class WrongPasswordError extends Error {
  constructor() {
    super('currentPassword: is not the current password');
    this.name = 'WrongPasswordError';
  }
}

/**
 * Thrown when a procedure that changes a user's own sign-ins (password change, sign-out everywhere) is
 * called with an API token: those need the browser session of the user.
 */
export class SessionRequiredError extends Error {
  constructor(readonly procedure: string) {
    super(
      `${procedure} needs a browser session: sign in with email and password (an API token cannot do it)`,
    );
    this.name = 'SessionRequiredError';
  }
}

/**
 * Thrown when an instance-wide action (all users, the whole audit chain) is asked for by a caller whose
 * instance role (narrowed by its token's role, for a token) does not grant it.
 */
export class InstanceAccessDeniedError extends Error {
  constructor(
    readonly action: string,
    /** The caller's instance role; null when it has none. */
    readonly instanceRole: string | null,
  ) {
    super(
      instanceRole === null
        ? `${action} needs an instance role (instance auditor or admin); project roles do not grant it`
        : `instance role '${instanceRole}' does not allow ${action}${instanceRole === 'admin' ? ' through this API token (its role in its project is too small)' : ''}`,
    );
    this.name = 'InstanceAccessDeniedError';
  }
}

/** Thrown when a call names a project (by slug or id) that does not exist. */
export class ProjectNotFoundError extends Error {
  constructor(readonly project: string) {
    super(`project ${project} does not exist`);
    this.name = 'ProjectNotFoundError';
  }
}

/**
 * Thrown when the caller's role in a project (or its token's) does not grant the action a procedure needs,
 * including when the caller has no role there at all.
 */
export class AccessDeniedError extends Error {
  constructor(
    /** The project's slug. */
    readonly project: string,
    readonly action: string,
    /** The caller's role there; null when not a member (or a token of another project). */
    readonly role: string | null,
  ) {
    super(
      role === null
        ? `no access to project '${project}': not a member${action ? ` (needed for ${action})` : ''}`
        : `role '${role}' in project '${project}' does not allow ${action}`,
    );
    this.name = 'AccessDeniedError';
  }
}

/** Thrown when a member (allowed to control only their own sweeps) controls a sweep someone else submitted. */
export class NotSweepOwnerError extends Error {
  constructor(
    readonly sweepId: string,
    readonly role: string,
  ) {
    super(
      `sweep ${sweepId} was submitted by someone else: role '${role}' may cancel, pause and resume only its own sweeps (a lead may control any)`,
    );
    this.name = 'NotSweepOwnerError';
  }
}

/**
 * Thrown when a sweep that has finished (completed, failed, cancelled; or whose workflow Temporal no longer
 * runs) is asked to pause, resume or cancel: nothing is done, and nothing is audited.
 */
export class SweepFinishedError extends Error {
  constructor(
    readonly sweepId: string,
    /** The sweep's recorded status, or `finished` when only Temporal knew it had ended. */
    readonly status: string,
    readonly verb: 'pause' | 'resume' | 'cancel',
    options?: { cause?: unknown },
  ) {
    super(`sweep ${sweepId} is ${status}: there is nothing left to ${verb}`, options);
    this.name = 'SweepFinishedError';
  }
}

/** Thrown when an operation names a trial that does not exist. */
export class TrialNotFoundError extends Error {
  constructor(readonly trialId: string) {
    super(`trial ${trialId} does not exist`);
    this.name = 'TrialNotFoundError';
  }
}

/** Thrown when an operation names an artifact that does not exist or belongs to no trial. */
export class ArtifactNotFoundError extends Error {
  constructor(readonly artifactId: string) {
    super(`artifact ${artifactId} does not exist (or its trial was deleted)`);
    this.name = 'ArtifactNotFoundError';
  }
}

/** Thrown when an operation names a dataset that does not exist. */
export class DatasetNotFoundError extends Error {
  constructor(readonly datasetId: string) {
    super(`dataset ${datasetId} does not exist`);
    this.name = 'DatasetNotFoundError';
  }
}

// ─── Evaluations and reports ────────────────────────────────────────────────────────────────────────

/** Thrown when an evaluation is asked of a trial that has no trained weights to evaluate. */
export class TrialNotEvaluableError extends Error {
  constructor(
    readonly trialId: string,
    readonly status: string,
  ) {
    super(
      `trial ${trialId} is ${status} without recorded output weights; only completed trials can be evaluated`,
    );
    this.name = 'TrialNotEvaluableError';
  }
}

/** Thrown when subgroups are asked by an attribute the dataset's test samples do not carry. */
export class UnknownAttributeError extends Error {
  constructor(
    readonly dataset: string,
    readonly attribute: string,
    readonly available: readonly string[],
  ) {
    super(
      `dataset ${dataset} has no attribute '${attribute}' on its test samples (available: ${available.length ? available.join(', ') : 'none; import a manifest with attribute columns'})`,
    );
    this.name = 'UnknownAttributeError';
  }
}

/** Thrown when a report is asked of a sweep without a completed trial to report on. */
export class NothingToReportError extends Error {
  constructor(
    readonly sweepId: string,
    readonly metric: string,
  ) {
    super(
      `sweep ${sweepId} has no completed trial with ${metric} to choose a configuration by; a report needs one`,
    );
    this.name = 'NothingToReportError';
  }
}

/** Thrown when an admin operation names a user that does not exist. */
export class UserNotFoundError extends Error {
  constructor(readonly user: string) {
    super(`user ${user} does not exist`);
    this.name = 'UserNotFoundError';
  }
}

/** Thrown by createUser when the email is already registered. */
export class UserExistsError extends Error {
  constructor(readonly email: string) {
    super(`a user with email ${email} already exists`);
    this.name = 'UserExistsError';
  }
}

/** Thrown when an operation names an API token that does not exist in the project (or among its own). */
export class TokenNotFoundError extends Error {
  constructor(
    readonly tokenId: string,
    /** The project it was looked for in; null when it was looked for among the caller's own tokens. */
    readonly project: string | null,
  ) {
    super(
      project === null
        ? `API token ${tokenId} is not one of your tokens`
        : `API token ${tokenId} does not exist in project '${project}'`,
    );
    this.name = 'TokenNotFoundError';
  }
}

/**
 * Thrown when a token would grant more than its user's role in the project (or the user is no member):
 * a token acts with at most its user's rights.
 */
export class TokenRoleNotAllowedError extends Error {
  constructor(
    readonly project: string,
    readonly tokenRole: string,
    readonly membershipRole: string | null,
  ) {
    super(
      membershipRole === null
        ? `role: the token's user is not a member of project '${project}'; set a membership first`
        : `role: a '${tokenRole}' token would grant what the user's role '${membershipRole}' in project '${project}' does not; use '${membershipRole}' or a role it includes`,
    );
    this.name = 'TokenRoleNotAllowedError';
  }
}

// ─── Requests refused before any procedure runs (handleTrpcRequest) ────────────────────────────────────

/** A request refused at the HTTP layer, with the status it answers with. */
export abstract class RequestRefusedError extends Error {
  abstract readonly status: 400 | 403 | 413;
}

/** Thrown for a batch of more than MAX_BATCH_ITEMS calls, or a batch that includes an auth procedure. */
export class BatchRefusedError extends RequestRefusedError {
  readonly status = 400;

  constructor(readonly reason: string) {
    super(`batch refused: ${reason}`);
    this.name = 'BatchRefusedError';
  }
}

/**
 * Thrown for a state-changing request (POST) a browser sent from another site: its Origin or Sec-Fetch-Site
 * says so. Requests with an API token, or from non-browser clients (neither header), are not refused.
 */
export class CrossOriginRequestError extends RequestRefusedError {
  readonly status = 403;

  constructor(
    /** What gave it away, e.g. `Origin https://evil.example` or `Sec-Fetch-Site cross-site`. */
    readonly evidence: string,
    readonly expectedHost: string,
  ) {
    super(
      `cross-origin request refused (${evidence}): state-changing calls are accepted from pages of ${expectedHost} or with an API token`,
    );
    this.name = 'CrossOriginRequestError';
  }
}

/** Thrown for a request body larger than the limit of the procedures it calls; refused before it is read whole. */
export class RequestTooLargeError extends RequestRefusedError {
  readonly status = 413;

  constructor(readonly limitBytes: number) {
    super(`request body too large: at most ${limitBytes} bytes are accepted`);
    this.name = 'RequestTooLargeError';
  }
}

// ─── Uploads ────────────────────────────────────────────────────────────────────────────────────────

/** Thrown when an uploaded blob does not hash to the sha256 declared for it; nothing of the upload is kept. */
export class StagedBlobMismatchError extends Error {
  constructor(
    readonly blob: string,
    readonly expectedSha256: string,
    readonly foundSha256: string,
  ) {
    super(
      `upload: blob ${blob} has sha256 ${foundSha256}, but ${expectedSha256} was declared; nothing of this upload was stored (upload the declared bytes again under a new upload)`,
    );
    this.name = 'StagedBlobMismatchError';
  }
}

/** Thrown when completing an upload finds a declared blob neither uploaded nor already stored. */
export class BlobNotUploadedError extends Error {
  constructor(
    readonly blob: string,
    /** Where it was expected; null when the upload had no staging area (the store was said to hold everything). */
    readonly stagingKey: string | null,
  ) {
    super(
      stagingKey === null
        ? `upload: blob ${blob} is not stored and no upload was started for it; start an upload and send it`
        : `upload: blob ${blob} was not uploaded (nothing at ${stagingKey}); send it to the URL the upload gave before completing`,
    );
    this.name = 'BlobNotUploadedError';
  }
}

/**
 * Thrown when a dataset's stored records disagree with its stored images: a samples table's pixel or
 * perceptual hash, or the manifest's split-assignment hash, is not what the images and keys give. The
 * duplicate and leakage report would rest on them, so the dataset is not registered.
 */
export class DatasetRecordsMismatchError extends Error {
  constructor(
    readonly datasetId: string,
    /** What disagrees, e.g. `test sample 12 (test/12) pixelSha256`. */
    readonly field: string,
    readonly stored: string,
    readonly computed: string,
  ) {
    super(
      `dataset ${datasetId}: ${field} is ${stored} in the uploaded records, but the uploaded images give ${computed}; the records do not describe the images, so the dataset was not registered (import it again from its source)`,
    );
    this.name = 'DatasetRecordsMismatchError';
  }
}
