// Talking to the API over HTTP as a client without @trpc/client does: GET queries with the input in the
// URL, superjson on the wire both ways (packages/api uses the superjson transformer), and signing in
// through auth.login for the session cookie a browser would get.
import type { RouterInputs, RouterOutputs } from '@medsweep/api';
import { SESSION_COOKIE, TRPC_ENDPOINT } from '@medsweep/api';
import superjson from 'superjson';

/** The URL of a GET query: `/api/trpc/<path>?input=<superjson of input>`. */
export function queryUrl(baseUrl: string, path: string, input: unknown): string {
  return `${baseUrl}${TRPC_ENDPOINT}/${path}?input=${encodeURIComponent(JSON.stringify(superjson.serialize(input)))}`;
}

/** The procedure's result from a tRPC response body; throws with the API's message for an error. */
export function resultOf<T>(body: string, path: string): T {
  const parsed = JSON.parse(body) as { result?: { data: unknown }; error?: { json?: { message?: string } } };
  if (parsed.result === undefined) {
    throw new Error(`${path} failed: ${parsed.error?.json?.message ?? body.slice(0, 300)}`);
  }
  return superjson.deserialize(parsed.result.data as Parameters<typeof superjson.deserialize>[0]);
}

/** One leaderboard page over HTTP with the given credentials (a Cookie or Authorization header). */
export async function fetchLeaderboard(
  baseUrl: string,
  input: RouterInputs['leaderboard']['get'],
  headers: Record<string, string>,
): Promise<RouterOutputs['leaderboard']['get']> {
  const response = await fetch(queryUrl(baseUrl, 'leaderboard.get', input), { headers });
  return resultOf(await response.text(), 'leaderboard.get');
}

/** Signs in through auth.login; returns the `Cookie` header value of the session. */
export async function signIn(baseUrl: string, email: string, password: string): Promise<string> {
  const response = await fetch(`${baseUrl}${TRPC_ENDPOINT}/auth.login`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(superjson.serialize({ email, password })),
  });
  resultOf(await response.text(), 'auth.login');
  const cookie = response.headers.getSetCookie().find((c) => c.startsWith(`${SESSION_COOKIE}=`));
  if (cookie === undefined) throw new Error(`auth.login set no ${SESSION_COOKIE} cookie`);
  return cookie.split(';')[0]!;
}
