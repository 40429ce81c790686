// The tRPC setup every router builds on: the request context, the error shape (input errors name their
// fields), the mapping of domain errors to tRPC codes, and the three kinds of procedure: public, signed in,
// and project-scoped with a permission check.
import type { Client } from '@temporalio/client';
import { initTRPC, StandardSchemaV1Error, TRPCError } from '@trpc/server';
import type { TRPC_ERROR_CODE_KEY } from '@trpc/server';
import type { Db } from '@medsweep/db';
import {
  DifferentDatasetsError,
  InvalidRecordError,
  LastAdminError,
  LastInstanceAdminError,
  LineageNotRecordedError,
  MissingPredictionsError,
  TrialNotFoundError as DbTrialNotFoundError,
  WeightsSourceConflictError,
} from '@medsweep/db';
import type { Project } from '@medsweep/db/types';
import type { AuditAnchorStore, ObjectStore } from '@medsweep/storage';
import { MultipartUploadRefusedError, ObjectIntegrityError, ObjectNotFoundError } from '@medsweep/storage';
import { DatasetManifestError, IncompatibleDatasetError, SweepSpecError } from '@medsweep/core';
import superjson from 'superjson';
import { ZodError } from 'zod';
import type { z } from 'zod';
import { UNKNOWN_CLIENT_ADDRESS } from './auth/client-address.js';
import type { Action, InstanceAction } from './auth/permissions.js';
import type { Principal, ProjectAccess } from './auth/principal.js';
import { authenticate, instanceAccess, projectAccess } from './auth/principal.js';
import type { SessionSettings } from './auth/session.js';
import {
  AccessDeniedError,
  AccountDisabledError,
  ArtifactNotFoundError,
  BlobNotUploadedError,
  DatasetNotFoundError,
  DatasetRecordsMismatchError,
  InstanceAccessDeniedError,
  InvalidCredentialsError,
  LeakyDatasetError,
  NothingToReportError,
  SessionRequiredError,
  StagedBlobMismatchError,
  SweepFinishedError,
  TooManyLoginAttemptsError,
  NotAuthenticatedError,
  NotSweepOwnerError,
  ProjectNotFoundError,
  SweepNotFoundError,
  TokenNotFoundError,
  TokenRoleNotAllowedError,
  TrialNotEvaluableError,
  TrialNotFoundError,
  UnknownAttributeError,
  UnknownDatasetError,
  UnknownWeightsError,
  UserExistsError,
  UserNotFoundError,
  WrongPasswordError,
} from './errors.js';

/** What the API needs from its host (apps/web, tests): connections and settings, made once per process. */
export interface ApiDeps {
  db: Db;
  /** The Temporal client; called only by procedures that start or signal workflows (connect lazily, once). */
  temporal: () => Promise<Client>;
  /**
   * Task queue sweep and evaluation workflows are started on; default TASK_QUEUES.control (tests use one
   * nobody polls).
   */
  sweepTaskQueue?: string;
  /** Object store that signs artifact download links and serves artifacts the API reads. */
  objectStore: ObjectStore;
  session: SessionSettings;
  /** Lifetime of signed artifact links, in seconds; default 300. */
  artifactLinkSeconds?: number;
  /** Where the audit chain's head is anchored outside the database (verification reads it). */
  auditAnchors: AuditAnchorStore;
  /** Reverse proxies in front that append to X-Forwarded-For (config auth.trustedProxyHops); default 0. */
  trustedProxyHops?: number;
}

export interface Context extends ApiDeps {
  /** Who is calling; null when neither a valid session cookie nor a valid API token came with the request. */
  principal: Principal | null;
  /** Why principal is null (e.g. `API token expired`), for the UNAUTHORIZED message. */
  authProblem: string | null;
  /** The request's headers (cookies are read from them). */
  headers: Headers;
  /** Headers of the response; login and logout set the session cookie here. */
  resHeaders: Headers;
  /** The client's address (the sign-in throttle counts by it); `unknown` for in-process calls. */
  clientAddress: string;
}

export interface CreateContextOptions {
  /** The request's headers. */
  headers: Headers;
  /** The response's headers (tRPC's fetch adapter passes `resHeaders`). */
  resHeaders: Headers;
  /** The client's address, as handleTrpcRequest derives it; omitted in-process. */
  clientAddress?: string;
}

/** Builds a request's context: authenticates it (API token or session cookie) against the database. */
export async function createContext(opts: CreateContextOptions, deps: ApiDeps): Promise<Context> {
  const auth = await authenticate(deps.db, opts.headers, deps.session);
  return {
    ...deps,
    principal: auth.principal,
    authProblem: auth.problem,
    ...opts,
    clientAddress: opts.clientAddress ?? UNKNOWN_CLIENT_ADDRESS,
  };
}

/** A schema issue as the API reports it: the field's path (`search.space.lr.max`) and what is wrong. */
export interface FieldIssue {
  path: string;
  message: string;
  code: string;
  /** For sweep spec problems: the line of spec text the path points at. */
  line?: number;
}

const pathOf = (path: readonly (PropertyKey | { key: PropertyKey })[] | undefined): string =>
  (path ?? []).map((p) => String(typeof p === 'object' ? p.key : p)).join('.') || '(input)';

function fieldIssues(cause: unknown): FieldIssue[] | null {
  if (cause instanceof ZodError) {
    return cause.issues.map((i) => ({ path: pathOf(i.path), message: i.message, code: i.code }));
  }
  if (cause instanceof SweepSpecError) {
    return cause.problems.map((p) => ({
      path: p.path,
      message: p.message,
      code: 'invalid_spec',
      ...(p.line ? { line: p.line } : {}),
    }));
  }
  if (cause instanceof StandardSchemaV1Error) {
    return cause.issues.map((i) => ({ path: pathOf(i.path), message: i.message, code: 'invalid' }));
  }
  return null;
}

/** What a client is told about an unexpected server error. */
export const INTERNAL_ERROR_MESSAGE = 'internal server error (details are in the server log)';

const t = initTRPC.context<Context>().create({
  transformer: superjson,
  errorFormatter({ shape, error }) {
    const issues = error.code === 'BAD_REQUEST' ? fieldIssues(error.cause) : null;
    const internal = error.code === 'INTERNAL_SERVER_ERROR';
    // Unexpected failures can carry SQL, hosts or paths: the client gets a fixed message, the server log
    // the error (handleTrpcRequest's onError).
    const message = internal
      ? INTERNAL_ERROR_MESSAGE
      : issues
        ? issues.map((i) => `${i.path}: ${i.message}`).join('; ')
        : shape.message;
    // No stack either, in development too: it names files and hosts.
    const { stack: _stack, ...data } = shape.data;
    return {
      ...shape,
      message,
      data: { ...data, fieldIssues: issues, errorName: internal ? null : (error.cause?.name ?? null) },
    };
  },
});

/** The tRPC code each domain error answers with; anything unlisted is an internal error. */
const DOMAIN_ERROR_CODES: readonly [abstract new (...args: never[]) => Error, TRPC_ERROR_CODE_KEY][] = [
  [NotAuthenticatedError, 'UNAUTHORIZED'],
  [InvalidCredentialsError, 'UNAUTHORIZED'],
  [TooManyLoginAttemptsError, 'TOO_MANY_REQUESTS'],
  [AccessDeniedError, 'FORBIDDEN'],
  [AccountDisabledError, 'FORBIDDEN'],
  [InstanceAccessDeniedError, 'FORBIDDEN'],
  [SessionRequiredError, 'FORBIDDEN'],
  [NotSweepOwnerError, 'FORBIDDEN'],
  [ProjectNotFoundError, 'NOT_FOUND'],
  [SweepNotFoundError, 'NOT_FOUND'],
  [TrialNotFoundError, 'NOT_FOUND'],
  [DbTrialNotFoundError, 'NOT_FOUND'],
  [ArtifactNotFoundError, 'NOT_FOUND'],
  [ObjectNotFoundError, 'NOT_FOUND'],
  [DatasetNotFoundError, 'NOT_FOUND'],
  [UserNotFoundError, 'NOT_FOUND'],
  [TokenNotFoundError, 'NOT_FOUND'],
  [UserExistsError, 'CONFLICT'],
  [WeightsSourceConflictError, 'CONFLICT'],
  [ObjectIntegrityError, 'BAD_REQUEST'],
  [StagedBlobMismatchError, 'BAD_REQUEST'],
  [BlobNotUploadedError, 'BAD_REQUEST'],
  [MultipartUploadRefusedError, 'BAD_REQUEST'],
  [DatasetRecordsMismatchError, 'BAD_REQUEST'],
  [DatasetManifestError, 'BAD_REQUEST'],
  [SweepFinishedError, 'CONFLICT'],
  [WrongPasswordError, 'BAD_REQUEST'],
  [LastInstanceAdminError, 'BAD_REQUEST'],
  [TokenRoleNotAllowedError, 'BAD_REQUEST'],
  [LastAdminError, 'BAD_REQUEST'],
  [UnknownDatasetError, 'BAD_REQUEST'],
  [LeakyDatasetError, 'BAD_REQUEST'],
  [UnknownWeightsError, 'BAD_REQUEST'],
  [SweepSpecError, 'BAD_REQUEST'],
  [InvalidRecordError, 'BAD_REQUEST'],
  [DifferentDatasetsError, 'BAD_REQUEST'],
  [MissingPredictionsError, 'BAD_REQUEST'],
  [LineageNotRecordedError, 'BAD_REQUEST'],
  [TrialNotEvaluableError, 'BAD_REQUEST'],
  [UnknownAttributeError, 'BAD_REQUEST'],
  [IncompatibleDatasetError, 'BAD_REQUEST'],
  [NothingToReportError, 'BAD_REQUEST'],
];

/** Turns a thrown domain error into a TRPCError of its code, keeping its message and the error as cause. */
const domainErrors = t.middleware(async ({ next }) => {
  const result = await next();
  if (result.ok || result.error.code !== 'INTERNAL_SERVER_ERROR') return result;
  const cause = result.error.cause;
  const code = DOMAIN_ERROR_CODES.find(([type]) => cause instanceof type)?.[1];
  if (code === undefined || cause === undefined) return result;
  throw new TRPCError({ code, message: cause.message, cause });
});

export const router = t.router;
export const createCallerFactory = t.createCallerFactory;

/** Anyone, signed in or not (login). */
export const publicProcedure = t.procedure.use(domainErrors);

/** A signed-in caller: a browser session or an API token. */
export const authedProcedure = publicProcedure.use(({ ctx, next }) => {
  if (ctx.principal === null) throw new NotAuthenticatedError(ctx.authProblem ?? 'no credentials');
  return next({ ctx: { principal: ctx.principal } });
});

/**
 * Refuses any caller but a browser session: for changing one's own sign-ins and minting API tokens (a
 * token that could mint tokens could outlive its own revocation).
 */
export const requireSession = t.middleware(({ ctx, path, next }) => {
  const { principal } = ctx;
  if (principal === null) throw new NotAuthenticatedError(ctx.authProblem ?? 'no credentials');
  if (principal.kind !== 'session') throw new SessionRequiredError(path);
  return next({ ctx: { principal } });
});

/** A caller signed in through a browser session; a token is refused. */
export const sessionProcedure = authedProcedure.use(requireSession);

/** A procedure over the whole instance: the caller's instance role must grant `action` (instanceAccess). */
export function instanceProcedure(action: InstanceAction) {
  return authedProcedure.use(async ({ ctx, next }) => {
    if (!(await instanceAccess(ctx.db, ctx.principal)).has(action)) {
      throw new InstanceAccessDeniedError(action, ctx.principal.instanceRole);
    }
    return next();
  });
}

/** The caller's access to `project`; throws AccessDeniedError unless it holds `action` there. */
export async function requireAccess(
  ctx: Pick<Context, 'db'> & { principal: Principal },
  project: Project,
  action: Action,
): Promise<ProjectAccess> {
  const access = await projectAccess(ctx.db, ctx.principal, project);
  if (!access.actions.has(action)) throw new AccessDeniedError(project.slug, action, access.role);
  return access;
}

/** What a project procedure's locator finds: the project, and whatever else it looked up on the way. */
export interface Located {
  project: Project;
}

/**
 * A procedure inside one project: `locate` finds the project from the input (by slug, or through the
 * sweep, trial, artifact, ... it names) and the caller must hold `action` there. The handler's context
 * gets what was located and `access` (the caller's role and actions in the project).
 */
export function projectProcedure<S extends z.ZodType, L extends Located>(
  input: S,
  action: Action,
  locate: (db: Db, input: z.output<S>) => Promise<L>,
) {
  return authedProcedure.input(input).use(async ({ ctx, input: parsed, next }) => {
    const located = await locate(ctx.db, parsed as z.output<S>);
    const access = await requireAccess(ctx, located.project, action);
    return next({ ctx: { located, access } });
  });
}
