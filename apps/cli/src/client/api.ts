// The typed tRPC client the CLI's user commands go through: the caller's API token as a bearer token, one
// request per call (no batching), and the API's errors turned into messages that say what to do.
import { createTRPCClient, httpLink, TRPCClientError } from '@trpc/client';
import type { TRPCClient } from '@trpc/client';
import type { AppRouter } from '@medsweep/api';
import { ROLE_PERMISSIONS, ROLES } from '@medsweep/api/permissions';
import type { Action } from '@medsweep/api/permissions';
import superjson from 'superjson';
import { ApiRequestError, NoProjectError } from '../errors.js';
import type { Profile } from './profiles.js';
import { resolveProfile } from './profiles.js';

/** Where the API is mounted under a server's URL (apps/web's route). */
export const API_PATH = '/api/trpc';

export type ApiClient = TRPCClient<AppRouter>;

export interface ApiClientOptions {
  server: string;
  /** Sent as `Authorization: Bearer`; login's first call has none. */
  token?: string;
  /** Extra headers per request (login's session cookie). */
  headers?: () => Record<string, string>;
  /** Sees every response (login reads the session cookie from it). */
  onResponse?: (response: Response) => void;
}

export function createApiClient(options: ApiClientOptions): ApiClient {
  return createTRPCClient<AppRouter>({
    links: [
      httpLink({
        url: `${options.server}${API_PATH}`,
        transformer: superjson,
        headers: () => ({
          // The server's own origin: a request the dashboard's same-origin check accepts.
          origin: new URL(options.server).origin,
          ...(options.token ? { authorization: `Bearer ${options.token}` } : {}),
          ...options.headers?.(),
        }),
        fetch: async (url, init) => {
          const response = await fetch(url, init as RequestInit);
          options.onResponse?.(response);
          return response;
        },
      }),
    ],
  });
}

/** The roles whose permissions include `action`, e.g. `member, lead or admin`. */
function rolesAllowing(action: string): string | null {
  const roles = ROLES.filter((r) => (ROLE_PERMISSIONS[r] as readonly string[]).includes(action as Action));
  if (roles.length === 0) return null;
  return roles.length === 1 ? roles[0]! : `${roles.slice(0, -1).join(', ')} or ${roles.at(-1)!}`;
}

interface ErrorData {
  code?: string;
  httpStatus?: number;
  path?: string;
  errorName?: string | null;
  fieldIssues?: { path: string; message: string; line?: number }[] | null;
}

/** An API failure as the CLI reports it: what went wrong and what the user can do about it. */
export function apiRequestError(e: TRPCClientError<AppRouter>, server: string): ApiRequestError {
  const data = (e.data ?? {}) as ErrorData;
  const procedure = data.path ?? '(unknown procedure)';
  if (data.code === undefined) {
    // No tRPC answer: fetch failed (a TypeError whose cause says why), or something else answered.
    if (e.cause instanceof TypeError) {
      const why = e.cause.cause instanceof Error ? e.cause.cause.message : e.cause.message;
      return new ApiRequestError(
        procedure,
        'UNREACHABLE',
        null,
        `cannot reach the MedSweep API at ${server}: ${why}`,
      );
    }
    return new ApiRequestError(
      procedure,
      'BAD_RESPONSE',
      null,
      `${server}${API_PATH} did not answer as the MedSweep API (${e.message}); check --server / MEDSWEEP_SERVER`,
    );
  }
  const status = data.httpStatus ?? null;
  const fail = (message: string) => new ApiRequestError(procedure, data.code!, status, message);
  switch (data.code) {
    case 'UNAUTHORIZED':
      return fail(`${server} refused the credentials (${e.message}): run \`medsweep login\``);
    case 'FORBIDDEN': {
      // AccessDeniedError ends with the action it needed; name the roles that hold it.
      const action = /(?:does not allow|needed for) ([a-z.]+)\)?$/.exec(e.message)?.[1];
      const roles = action ? rolesAllowing(action) : null;
      return fail(`forbidden: ${e.message}${roles ? ` (needs role ${roles} in the project)` : ''}`);
    }
    case 'CONFLICT':
      return fail(`conflict: ${e.message}`);
    case 'BAD_REQUEST': {
      const issues = data.fieldIssues;
      if (!issues || issues.length === 0) return fail(`rejected by the API: ${e.message}`);
      const lines = issues.map((i) => `  ${i.path}${i.line ? ` (line ${i.line})` : ''}: ${i.message}`);
      return fail(`rejected by the API (${procedure}):\n${lines.join('\n')}`);
    }
    case 'NOT_FOUND':
      return fail(`not found: ${e.message}`);
    default:
      return fail(`${procedure} failed (${data.code}): ${e.message}`);
  }
}

/** Whether an API error is one of the server's domain errors by name (e.g. `MissingPredictionsError`). */
export function isApiError(e: unknown, errorName: string): e is TRPCClientError<AppRouter> {
  return e instanceof TRPCClientError && (e.data as ErrorData | undefined)?.errorName === errorName;
}

/**
 * Runs a user command against the API of the selected profile (--profile, MEDSWEEP_PROFILE, or
 * `default`; MEDSWEEP_SERVER and MEDSWEEP_TOKEN override it). Needs no database or S3 credentials.
 */
export async function withApi<T>(fn: (api: ApiClient, profile: Profile) => Promise<T>): Promise<T> {
  const profile = resolveProfile();
  try {
    return await fn(createApiClient(profile), profile);
  } catch (e) {
    throw e instanceof TRPCClientError ? apiRequestError(e as TRPCClientError<AppRouter>, profile.server) : e;
  }
}

/** The project a command acts in: --project, else the profile's, else the one the token is bound to. */
export async function projectOf(api: ApiClient, flag: string | undefined, profile: Profile): Promise<string> {
  const project = flag ?? profile.project;
  if (project !== undefined) return project;
  const { memberships } = await api.auth.me.query();
  if (memberships.length !== 1) throw new NoProjectError(memberships.map((m) => m.project));
  return memberships[0]!.project;
}
