import { hostname } from 'node:os';
import { InvalidArgumentError } from 'commander';
import type { Command } from 'commander';
import type { ApiClient } from '../client/api.js';
import { apiRequestError, createApiClient } from '../client/api.js';
import type { Profile } from '../client/profiles.js';
import {
  configFilePath,
  profileNameOf,
  readConfigFile,
  removeProfile,
  saveProfile,
} from '../client/profiles.js';
import { TRPCClientError } from '@trpc/client';
import type { AppRouter } from '@medsweep/api';
import { OWN_TOKEN_DAYS } from '@medsweep/api/permissions';
import { TokenNotRevokedError } from '../errors.js';

/** --expires-in-days: a whole number of days within what the server grants own tokens. */
function parseDays(value: string): number {
  const days = Number(value);
  if (!Number.isInteger(days) || days < 1 || days > OWN_TOKEN_DAYS.max) {
    throw new InvalidArgumentError(`must be a whole number of days from 1 to ${OWN_TOKEN_DAYS.max}`);
  }
  return days;
}

/** Reads all of stdin (for --password-stdin). */
async function readStdin(): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of process.stdin) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks)
    .toString('utf8')
    .replace(/\r?\n$/, '');
}

/** Asks on the terminal; with `hidden`, what is typed is not echoed. */
async function prompt(question: string, hidden: boolean): Promise<string> {
  if (!process.stdin.isTTY) {
    throw new RangeError(`${question.trim()} is needed and stdin is not a terminal: pass it as an option`);
  }
  process.stderr.write(question);
  process.stdin.setRawMode(hidden);
  process.stdin.setEncoding('utf8');
  process.stdin.resume();
  let answer = '';
  try {
    for await (const chunk of process.stdin) {
      for (const ch of chunk as string) {
        if (ch === '\u0003') throw new RangeError('login interrupted');
        if (ch === '\r' || ch === '\n') return answer;
        if (ch === '\u007f') answer = answer.slice(0, -1);
        else answer += ch;
      }
    }
    return answer;
  } finally {
    process.stdin.setRawMode(false);
    process.stdin.pause();
    if (hidden) process.stderr.write('\n');
  }
}

/** The session cookie a response set (`name=value`), kept for the calls of one login. */
function cookieJar() {
  let cookie: string | undefined;
  return {
    onResponse: (response: Response) => {
      const set = response.headers.getSetCookie()[0];
      if (set) cookie = set.split(';')[0];
    },
    headers: (): Record<string, string> => (cookie ? { cookie } : {}),
  };
}

interface Membership {
  project: string;
  role: string;
}

function chooseProject(memberships: Membership[], wanted: string | undefined): Membership {
  const slugs = memberships.map((m) => m.project).join(', ') || '(none)';
  if (wanted !== undefined) {
    const found = memberships.find((m) => m.project === wanted);
    if (!found) throw new RangeError(`--project ${wanted}: not a member there; your projects: ${slugs}`);
    return found;
  }
  if (memberships.length !== 1) throw new RangeError(`--project is needed: your projects are ${slugs}`);
  return memberships[0]!;
}

/**
 * Email and password: a browser-style session creates the user's own API token in the project, with their
 * role there (auth.createToken, open to every member), and is then ended.
 */
async function tokenFromPassword(
  server: string,
  credentials: { email: string; password: string },
  token: { project: string | undefined; name: string; expiresInDays: number },
): Promise<{ token: string; project: string }> {
  const jar = cookieJar();
  const api = createApiClient({ server, ...jar });
  await api.auth.login.mutate(credentials);
  try {
    const me = await api.auth.me.query();
    const membership = chooseProject(me.memberships, token.project);
    const created = await api.auth.createToken.mutate({
      project: membership.project,
      name: token.name,
      expiresInDays: token.expiresInDays,
    });
    return { token: created.secret, project: membership.project };
  } finally {
    await api.auth.logout.mutate();
  }
}

/**
 * Revokes a profile's token on its server (auth.logout). Returns why nothing was revoked when the server
 * no longer accepts the token anyway (revoked, expired, unknown); throws when the server could not do it.
 */
async function revokeProfileToken(profile: Profile): Promise<string | null> {
  try {
    await createApiClient(profile).auth.logout.mutate();
    return null;
  } catch (e) {
    if (!(e instanceof TRPCClientError)) throw e;
    const failure = apiRequestError(e as TRPCClientError<AppRouter>, profile.server);
    // The API's reason alone (`API token revoked`), without its advice on how to sign in.
    if (failure.code === 'UNAUTHORIZED') return /^not signed in: ([^;]+)/.exec(e.message)?.[1] ?? e.message;
    throw failure;
  }
}

/** Who a token is: its user and the project it is bound to. */
async function whoIs(api: ApiClient) {
  const me = await api.auth.me.query();
  return { email: me.user.email, role: me.tokenRole, project: me.memberships[0]?.project };
}

export function registerLoginCommands(program: Command): void {
  program
    .command('login')
    .description(
      'store an API token for a MedSweep server in your config file (mode 0600), under --profile (default: default)',
    )
    .requiredOption('--server <url>', 'the dashboard URL, e.g. https://medsweep.example.org')
    .option(
      '--token <token>',
      "an API token (mst_...): made on the dashboard's account page, or by a project admin",
    )
    .option('--email <email>', 'sign in with email and password to create a token with your role')
    .option('--password-stdin', 'read the password from stdin instead of a prompt')
    .option('--project <slug>', 'the project the new token is for (default: your only project)')
    .option('--token-name <name>', 'name of the created token', `medsweep-cli@${hostname()}`)
    .option(
      '--expires-in-days <days>',
      `days until the created token expires (at most ${OWN_TOKEN_DAYS.max})`,
      parseDays,
      OWN_TOKEN_DAYS.default,
    )
    .action(
      async (opts: {
        server: string;
        token?: string;
        email?: string;
        passwordStdin?: boolean;
        project?: string;
        tokenName: string;
        expiresInDays: number;
      }) => {
        const server = opts.server.replace(/\/+$/, '');
        const profile = profileNameOf();
        try {
          let token = opts.token;
          if (token === undefined) {
            const email = opts.email ?? (await prompt('email: ', false));
            const password = opts.passwordStdin ? await readStdin() : await prompt('password: ', true);
            const wanted = { project: opts.project, name: opts.tokenName, expiresInDays: opts.expiresInDays };
            token = (await tokenFromPassword(server, { email, password }, wanted)).token;
          }
          const who = await whoIs(createApiClient({ server, token }));
          saveProfile(configFilePath(), profile, {
            server,
            token,
            ...(who.project ? { project: who.project } : {}),
          });
          console.log(
            `logged in to ${server} as ${who.email}${who.project ? ` (${who.role ?? 'session'} in ${who.project})` : ''}; profile '${profile}' saved in ${configFilePath()}`,
          );
        } catch (e) {
          throw e instanceof TRPCClientError ? apiRequestError(e as TRPCClientError<AppRouter>, server) : e;
        }
      },
    );

  program
    .command('logout')
    .description("revoke the profile's token on its server and forget the profile")
    .action(async () => {
      const profile = profileNameOf();
      const path = configFilePath();
      const stored = readConfigFile(path).profiles[profile];
      if (stored === undefined) {
        console.log(`profile '${profile}' was not logged in`);
        return;
      }
      const outcome = await revokeProfileToken(stored).then(
        (refused) => ({ ok: true as const, refused }),
        (error: unknown) => ({ ok: false as const, error }),
      );
      // The local copy goes whatever the server said: the user asked to be signed out here.
      removeProfile(path, profile);
      if (!outcome.ok) throw new TokenNotRevokedError(profile, stored.server, outcome.error);
      console.log(
        outcome.refused === null
          ? `token revoked on ${stored.server}; profile '${profile}' removed`
          : `${stored.server} no longer accepts the token (${outcome.refused}); profile '${profile}' removed`,
      );
    });
}
