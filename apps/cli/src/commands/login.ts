import { hostname } from 'node:os';
import type { Command } from 'commander';
import type { ApiClient } from '../client/api.js';
import { apiRequestError, createApiClient } from '../client/api.js';
import { configFilePath, profileNameOf, removeProfile, saveProfile } from '../client/profiles.js';
import { TRPCClientError } from '@trpc/client';
import type { AppRouter } from '@medsweep/api';

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
 * Email and password: a browser-style session creates an API token with the user's role in the project
 * (admin.createToken, which needs the tokens.manage permission) and is then ended.
 */
async function tokenFromPassword(
  server: string,
  email: string,
  password: string,
  project: string | undefined,
  tokenName: string,
): Promise<{ token: string; project: string }> {
  const jar = cookieJar();
  const api = createApiClient({ server, ...jar });
  await api.auth.login.mutate({ email, password });
  try {
    const me = await api.auth.me.query();
    const membership = chooseProject(me.memberships, project);
    const created = await api.admin.createToken.mutate({
      project: membership.project,
      name: tokenName,
      role: membership.role as 'viewer',
    });
    return { token: created.secret, project: membership.project };
  } finally {
    await api.auth.logout.mutate();
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
    .option('--token <token>', 'an API token a project admin created for you (mst_...)')
    .option('--email <email>', 'sign in with email and password to create a token (needs tokens.manage)')
    .option('--password-stdin', 'read the password from stdin instead of a prompt')
    .option('--project <slug>', 'the project the new token is for (default: your only project)')
    .option('--token-name <name>', 'name of the created token', `medsweep-cli@${hostname()}`)
    .action(
      async (opts: {
        server: string;
        token?: string;
        email?: string;
        passwordStdin?: boolean;
        project?: string;
        tokenName: string;
      }) => {
        const server = opts.server.replace(/\/+$/, '');
        const profile = profileNameOf();
        try {
          let token = opts.token;
          if (token === undefined) {
            const email = opts.email ?? (await prompt('email: ', false));
            const password = opts.passwordStdin ? await readStdin() : await prompt('password: ', true);
            token = (await tokenFromPassword(server, email, password, opts.project, opts.tokenName)).token;
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
    .description("forget the profile's token (it stays valid until a project admin revokes it)")
    .action(() => {
      const profile = profileNameOf();
      const removed = removeProfile(configFilePath(), profile);
      console.log(removed ? `profile '${profile}' removed` : `profile '${profile}' was not logged in`);
    });
}
