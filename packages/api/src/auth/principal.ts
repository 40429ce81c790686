// Who is calling: a browser session or an API token, read from the request's headers. A request that
// sends Authorization is judged by it alone (a bad token is not rescued by a cookie). A disabled user's
// credentials authenticate nothing.
import type { Db } from '@medsweep/db';
import { membershipRole, membershipsOfUser } from '@medsweep/db';
import type { MembershipWithProject } from '@medsweep/db';
import type { InstanceRole, Project, Role } from '@medsweep/db/types';
import { checkApiToken } from './api-tokens.js';
import type { Action, InstanceAction } from './permissions.js';
import { instancePermissions, permissionsOf, tokenPermissions } from './permissions.js';
import type { SessionSettings } from './session.js';
import { currentSession } from './session.js';

export type Principal = { userId: string; email: string; instanceRole: InstanceRole | null } & (
  { kind: 'session'; sessionId: string } | { kind: 'token'; tokenId: string; projectId: string; role: Role }
);

/** Why a disabled user's session or token is refused. */
const DISABLED = 'the account is disabled';

/** The audit log's actor: `user:<id>` for a browser session, `token:<id>` for an API token. */
export function actorOf(principal: Principal): string {
  return principal.kind === 'session' ? `user:${principal.userId}` : `token:${principal.tokenId}`;
}

export type Authentication = { principal: Principal; problem: null } | { principal: null; problem: string };

export async function authenticate(
  db: Db,
  headers: Headers,
  session: SessionSettings,
): Promise<Authentication> {
  const authorization = headers.get('authorization');
  if (authorization !== null) {
    const match = /^Bearer\s+(\S+)$/i.exec(authorization.trim());
    if (match === null) return { principal: null, problem: 'Authorization header is not "Bearer <token>"' };
    const check = await checkApiToken(db, match[1]!);
    if (!check.ok) return { principal: null, problem: check.reason };
    const { token, user } = check;
    if (user.disabledAt !== null) return { principal: null, problem: DISABLED };
    return {
      principal: {
        kind: 'token',
        userId: user.id,
        email: user.email,
        instanceRole: user.instanceRole,
        tokenId: token.id,
        projectId: token.projectId,
        role: token.role,
      },
      problem: null,
    };
  }
  const live = await currentSession(db, headers, session);
  if (live === null) return { principal: null, problem: 'no valid session cookie' };
  if (live.user.disabledAt !== null) return { principal: null, problem: DISABLED };
  return {
    principal: {
      kind: 'session',
      userId: live.user.id,
      email: live.user.email,
      instanceRole: live.user.instanceRole,
      sessionId: live.session.id,
    },
    problem: null,
  };
}

/** The caller's standing in one project: its role there (null: none) and what it may do. */
export interface ProjectAccess {
  project: Project;
  role: Role | null;
  actions: ReadonlySet<Action>;
}

/** What `principal` may do in `project`: its membership's role, narrowed by the token's role for a token. */
export async function projectAccess(db: Db, principal: Principal, project: Project): Promise<ProjectAccess> {
  if (principal.kind === 'token' && principal.projectId !== project.id) {
    return { project, role: null, actions: new Set() };
  }
  const memberRole = await membershipRole(db, principal.userId, project.id);
  if (principal.kind === 'token') {
    return { project, role: principal.role, actions: tokenPermissions(principal.role, memberRole) };
  }
  return { project, role: memberRole, actions: memberRole === null ? new Set() : permissionsOf(memberRole) };
}

/** The caller's memberships with their projects, by slug: an API token's own project's alone. */
export function membershipsOf(db: Db, principal: Principal): Promise<MembershipWithProject[]> {
  return membershipsOfUser(
    db,
    principal.userId,
    principal.kind === 'token' ? principal.projectId : undefined,
  );
}

/**
 * What the caller may do over the whole instance: its user's instance role, and for an API token only what
 * the token's role in its project carries (see instancePermissions).
 */
export async function instanceAccess(db: Db, principal: Principal): Promise<ReadonlySet<InstanceAction>> {
  if (principal.kind === 'session') return instancePermissions(principal.instanceRole);
  const memberRole = await membershipRole(db, principal.userId, principal.projectId);
  return instancePermissions(principal.instanceRole, tokenPermissions(principal.role, memberRole));
}
