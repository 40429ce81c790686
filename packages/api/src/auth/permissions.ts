// Who may do what, as data: each role's actions within one project, and each instance role's actions over
// the whole instance. Procedures name the action they need (trpc.ts checks it); the role tests read these
// tables to know what every role must be refused.
import type { InstanceRole, Role } from '@medsweep/db/types';

export const ACTIONS = [
  /** Read the project's sweeps, trials, leaderboards, datasets, weights and artifacts. */
  'project.read',
  /** Submit sweeps (and validate specs for submission). */
  'sweep.submit',
  /** Cancel, pause and resume sweeps the caller submitted. */
  'sweep.control.own',
  /** Cancel, pause and resume any sweep of the project. */
  'sweep.control.any',
  /** Read the audit log. */
  'audit.read',
  /** Run the verifiers: the audit chain and trial lineage. */
  'audit.verify',
  /** Set memberships (roles) in the project. */
  'members.manage',
  /** Create, list and revoke the project's API tokens. */
  'tokens.manage',
] as const;
export type Action = (typeof ACTIONS)[number];

export const ROLES = ['viewer', 'member', 'lead', 'auditor', 'admin'] as const satisfies readonly Role[];

export const ROLE_PERMISSIONS: Readonly<Record<Role, readonly Action[]>> = {
  viewer: ['project.read'],
  member: ['project.read', 'sweep.submit', 'sweep.control.own'],
  lead: ['project.read', 'sweep.submit', 'sweep.control.own', 'sweep.control.any'],
  auditor: ['project.read', 'audit.read', 'audit.verify'],
  admin: ACTIONS,
};

/** The actions a role grants. */
export function permissionsOf(role: Role): ReadonlySet<Action> {
  return new Set(ROLE_PERMISSIONS[role]);
}

/**
 * What a token may do: the actions both its own role and its user's current role in the project grant,
 * so demoting or removing a user takes effect on their tokens at once.
 */
export function tokenPermissions(tokenRole: Role, membershipRole: Role | null): ReadonlySet<Action> {
  if (membershipRole === null) return new Set();
  const member = permissionsOf(membershipRole);
  return new Set(ROLE_PERMISSIONS[tokenRole].filter((a) => member.has(a)));
}

/**
 * Whether a token of `tokenRole` grants nothing that its user's `membershipRole` does not: the roles a
 * user may give a token of theirs (none when they are no member).
 */
export function roleWithin(tokenRole: Role, membershipRole: Role | null): boolean {
  return tokenPermissions(tokenRole, membershipRole).size === permissionsOf(tokenRole).size;
}

/**
 * Lifetime in days of a token a user makes for themselves (any member may): it always expires, so a
 * forgotten one does not last. Project admins' tokens (tokens.manage) may be longer-lived or not expire.
 */
export const OWN_TOKEN_DAYS = { default: 90, max: 365 } as const;

export const INSTANCE_ACTIONS = [
  /** Read every audit event (those of no project too: sign-ins, accounts) and verify the whole chain. */
  'instance.audit',
  /** Create, list, disable and unlock user accounts, and give instance roles. */
  'instance.users',
] as const;
export type InstanceAction = (typeof INSTANCE_ACTIONS)[number];

export const INSTANCE_ROLE_PERMISSIONS: Readonly<Record<InstanceRole, readonly InstanceAction[]>> = {
  auditor: ['instance.audit'],
  admin: INSTANCE_ACTIONS,
};

/**
 * The project action an API token must grant (its role, narrowed by its user's role in its project) for
 * an instance action of its user to pass through it: a viewer token of an instance admin stays a viewer.
 */
const CARRIED_BY: Readonly<Record<InstanceAction, Action>> = {
  'instance.audit': 'audit.read',
  'instance.users': 'members.manage',
};

/**
 * What a user's instance role grants; for an API token (`tokenActions`: what the token may do in its
 * project), only the actions the token's own role carries.
 */
export function instancePermissions(
  instanceRole: InstanceRole | null,
  tokenActions?: ReadonlySet<Action>,
): ReadonlySet<InstanceAction> {
  const granted = instanceRole === null ? [] : INSTANCE_ROLE_PERMISSIONS[instanceRole];
  return new Set(granted.filter((a) => tokenActions === undefined || tokenActions.has(CARRIED_BY[a])));
}
