// Creating accounts: by an admin through the API, by the CLI, and the first admin of a fresh install.
import { randomBytes } from 'node:crypto';
import type { MedsweepConfig } from '@medsweep/config';
import type { Db } from '@medsweep/db';
import { createUserAccount, ensureProject, findUserByEmail, hasUsers } from '@medsweep/db';
import type { InstanceRole, Project, Role, User } from '@medsweep/db/types';
import { UserExistsError } from '../errors.js';
import { hashPassword } from './passwords.js';

export interface CreateUserInput {
  email: string;
  password: string;
  displayName?: string | null;
  /** Who creates it, for the audit log (`user:<id>`, `token:<id>`, `cli:<name>`, `system:bootstrap`). */
  actor: string;
  /** Roles to grant right away, by project id. */
  memberships?: readonly { projectId: string; role: Role }[];
  /** A role over the whole instance (see INSTANCE_ROLE_PERMISSIONS). */
  instanceRole?: InstanceRole | null;
}

/**
 * Creates a user (email stored lower-case, password hashed with argon2id) with its memberships and an
 * audit event, in one transaction. Throws UserExistsError for a registered email.
 */
export async function createUser(db: Db, input: CreateUserInput): Promise<User> {
  const email = input.email.trim().toLowerCase();
  if ((await findUserByEmail(db, email)) !== null) throw new UserExistsError(email);
  return createUserAccount(db, {
    email,
    passwordHash: await hashPassword(input.password),
    displayName: input.displayName ?? null,
    actor: input.actor,
    memberships: input.memberships ?? [],
    instanceRole: input.instanceRole ?? null,
  });
}

export interface BootstrapResult {
  /** False when users already existed and nothing was done. */
  created: boolean;
  email: string;
  project: Project;
  /** The password, only when it was generated here (MEDSWEEP_ADMIN_PASSWORD unset): show it once. */
  generatedPassword: string | null;
}

/**
 * On a database without users: creates the default project and its first admin (admin of that project and
 * the instance admin) from config
 * (MEDSWEEP_ADMIN_EMAIL, MEDSWEEP_ADMIN_PASSWORD, MEDSWEEP_DEFAULT_PROJECT). Without a configured password
 * one is generated and returned, so a fresh local stack needs no setup; with users present it does nothing.
 */
export async function ensureBootstrapAdmin(db: Db, auth: MedsweepConfig['auth']): Promise<BootstrapResult> {
  const slug = auth.defaultProject;
  const project = await ensureProject(db, slug);
  const email = auth.bootstrapAdmin.email.toLowerCase();
  if (await hasUsers(db)) return { created: false, email, project, generatedPassword: null };
  const generatedPassword =
    auth.bootstrapAdmin.password === null ? randomBytes(18).toString('base64url') : null;
  try {
    await createUser(db, {
      email,
      password: auth.bootstrapAdmin.password ?? generatedPassword!,
      displayName: 'Administrator',
      actor: 'system:bootstrap',
      memberships: [{ projectId: project.id, role: 'admin' }],
      instanceRole: 'admin',
    });
  } catch (e) {
    // Two processes bootstrapping at once: the other one created it.
    if (e instanceof UserExistsError) return { created: false, email, project, generatedPassword: null };
    throw e;
  }
  return { created: true, email, project, generatedPassword };
}
