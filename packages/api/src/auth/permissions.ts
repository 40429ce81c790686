// Who may do what, as data: each role's actions within one project. Procedures name the action they need
// (trpc.ts checks it); the role tests read this table to know what every role must be refused.
import type { Role } from '@medsweep/db/types';

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
  /** Create and list user accounts (an admin of any project). */
  'users.manage',
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
