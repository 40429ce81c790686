// Every procedure, called as every role (by browser session and by API token), by an admin of another
// project, and without credentials: each call is let through or refused exactly as the table below says.
// Instance-wide procedures follow the instance roles: alpha's admin is the instance admin, alpha's auditor
// the instance auditor; the outsider (admin of beta) has no instance role.
// The table is written out by hand, apart from permissions.ts, so a wrong entry there shows up here; a
// procedure missing from the table fails the test. Allowed mutations must also append to the audit log.
import { randomUUID } from 'node:crypto';
import { TRPCError } from '@trpc/server';
import { describe, expect, it } from 'vitest';
import { API_TOKEN_PREFIX } from './auth/api-tokens.js';
import { newSecret, secretHash } from './auth/secrets.js';
import { createUser } from './auth/users.js';
import { appRouter } from './root.js';
import { submitSweep } from './services/sweeps.js';
import { parseSweepSpecText, sha256Hex } from '@medsweep/core';
import type { Caller, Via, Who, World } from './test-support/world.js';
import { draftBlobs, PASSWORD, uploadDataset, WHO, worldDataset } from './test-support/world.js';
import { worldOfThisFile } from './test-support/file-world.js';

type Api = Caller['api'];
/** Who is let through: named callers, every signed-in caller, or anyone at all. */
type Allowed = readonly Who[] | 'signed-in' | 'anyone';

interface Entry {
  allowed: Allowed;
  /** Only through a browser session: an API token of an allowed caller is refused too. */
  sessionsOnly?: boolean;
  /** Makes the call; `who` is null for the anonymous caller. Fresh fixtures are made here when a call uses one up. */
  call: (api: Api, w: World, who: Who | null, via: Via | null) => Promise<unknown>;
  /** For a mutation: when it changes nothing, so writes no audit event (default: it always writes one). */
  writesNothing?: (via: Via | null) => boolean;
}

const READ: Allowed = ['viewer', 'member', 'lead', 'auditor', 'admin'];
const SUBMIT: Allowed = ['member', 'lead', 'admin'];
/** On a sweep the member submitted: the member as owner, leads and admins as controllers of any sweep. */
const CONTROL: Allowed = ['member', 'lead', 'admin'];
const AUDIT: Allowed = ['auditor', 'admin'];
const PROJECT_ADMIN: Allowed = ['admin'];
/** The instance admin (alpha's admin); project admins elsewhere (the outsider) are not. */
const INSTANCE_ADMIN: Allowed = ['admin'];
/** Instance auditors and admins. */
const INSTANCE_AUDIT: Allowed = ['auditor', 'admin'];

let unique = 0;
const next = () => `${Date.now()}-${unique++}`;

/**
 * Calls `call` through a fresh session of `who` (so the session the other calls use is not the one it
 * ends), then signs `who` in again, since it ends every other session of theirs too.
 */
async function inFreshSession<T>(w: World, who: Who, call: (api: Api) => Promise<T>): Promise<T> {
  const result = await call((await w.caller({ cookie: await w.login(who) })).api);
  w.cookies[who] = await w.login(who);
  return result;
}

/** A user nobody else uses, for calls that change a user. */
const freshUser = (w: World) =>
  createUser(w.db, { email: `u-${next()}@example.test`, password: PASSWORD, actor: 'system:test' });

/** The project `who` is a member of (the outsider: beta). */
const projectOf = (who: Who | null) => (who === 'outsider' ? 'beta' : 'alpha');

/**
 * A fresh API token of `who` with their role in their project, stored directly rather than through
 * createApiToken: its own audit event would satisfy the check that the call under test wrote one.
 */
async function unauditedToken(w: World, who: Who): Promise<{ id: string; secret: string }> {
  const secret = newSecret(API_TOKEN_PREFIX);
  const { id } = await w.db.apiToken.create({
    data: {
      tokenHash: secretHash(secret),
      name: `fresh-${next()}`,
      userId: w.users[who].id,
      projectId: who === 'outsider' ? w.beta.id : w.alpha.id,
      role: who === 'outsider' ? 'admin' : who,
    },
  });
  return { id, secret };
}

/** A sweep of alpha submitted by the member, its workflow started on the queue nobody polls. */
async function memberSweep(w: World): Promise<string> {
  const { sweepId } = await submitSweep(
    { db: w.db, temporal: await w.deps.temporal(), taskQueue: w.deps.sweepTaskQueue! },
    parseSweepSpecText(w.specText(`owned ${next()}`)),
    `user:${w.users.member.id}`,
    w.users.member.id,
  );
  return sweepId;
}

const scope = (w: World) => ({ sweepId: w.results.sweepId });

const TABLE: Record<string, Entry> = {
  'auth.login': {
    allowed: 'anyone',
    call: (api, w, who) => api.auth.login({ email: w.users[who ?? 'viewer'].email, password: PASSWORD }),
  },
  'auth.logout': {
    allowed: 'signed-in',
    // Ends a fresh session, or revokes a fresh token, not the one the other calls use.
    call: async (api, w, who, via) =>
      via === null
        ? api.auth.logout()
        : (
            await w.caller(
              via === 'session'
                ? { cookie: await w.login(who!) }
                : { authorization: `Bearer ${(await unauditedToken(w, who!)).secret}` },
            )
          ).api.auth.logout(),
  },
  'auth.logoutEverywhere': {
    allowed: 'signed-in',
    sessionsOnly: true,
    call: (api, w, who, via) =>
      via === 'session'
        ? inFreshSession(w, who!, (own) => own.auth.logoutEverywhere())
        : api.auth.logoutEverywhere(),
  },
  'auth.changePassword': {
    allowed: 'signed-in',
    sessionsOnly: true,
    call: (api, w, who, via) => {
      const change = { currentPassword: PASSWORD, newPassword: PASSWORD };
      return via === 'session'
        ? inFreshSession(w, who!, (own) => own.auth.changePassword(change))
        : api.auth.changePassword(change);
    },
  },
  'auth.me': { allowed: 'signed-in', call: (api) => api.auth.me() },
  'auth.createToken': {
    allowed: 'signed-in',
    sessionsOnly: true,
    call: (api, _w, who) => api.auth.createToken({ project: projectOf(who), name: `own-${next()}` }),
  },
  'auth.listTokens': { allowed: 'signed-in', sessionsOnly: true, call: (api) => api.auth.listTokens() },
  'auth.revokeToken': {
    allowed: 'signed-in',
    sessionsOnly: true,
    call: async (api, w, who) =>
      api.auth.revokeToken({ tokenId: (await unauditedToken(w, who ?? 'viewer')).id }),
  },
  'projects.list': { allowed: 'signed-in', call: (api) => api.projects.list() },
  'sweeps.validateSpec': {
    allowed: SUBMIT,
    call: (api, w) => api.sweeps.validateSpec({ specText: w.specText() }),
    // A POST only because spec text is large: it checks, and stores nothing.
    writesNothing: () => true,
  },
  'sweeps.create': {
    allowed: SUBMIT,
    call: (api, w) => api.sweeps.create({ specText: w.specText(`created ${next()}`) }),
  },
  'sweeps.list': { allowed: READ, call: (api) => api.sweeps.list({ project: 'alpha' }) },
  'sweeps.get': { allowed: READ, call: (api, w) => api.sweeps.get({ sweepId: w.results.sweepId }) },
  'sweeps.cancel': {
    allowed: CONTROL,
    call: async (api, w) => api.sweeps.cancel({ sweepId: await memberSweep(w) }),
  },
  'sweeps.pause': {
    allowed: CONTROL,
    call: async (api, w) => api.sweeps.pause({ sweepId: await memberSweep(w) }),
  },
  'sweeps.resume': {
    allowed: CONTROL,
    call: async (api, w) => api.sweeps.resume({ sweepId: await memberSweep(w) }),
  },
  'progress.get': { allowed: READ, call: (api, w) => api.progress.get({ sweepId: w.results.sweepId }) },
  'trials.list': { allowed: READ, call: (api, w) => api.trials.list({ sweepId: w.results.sweepId }) },
  'trials.get': { allowed: READ, call: (api, w) => api.trials.get({ trialId: w.results.trialIds[0] }) },
  'trials.evaluation': {
    allowed: READ,
    call: (api, w) => api.trials.evaluation({ trialId: w.results.trialIds[0] }),
  },
  'trials.verify': {
    allowed: AUDIT,
    call: (api, w) => api.trials.verify({ trialId: w.results.trialIds[0], requestId: randomUUID() }),
    // The verdict is recorded by the verification workflow once it is known, not when it is asked for.
    writesNothing: () => true,
  },
  'trials.verification': {
    allowed: AUDIT,
    call: (api, w) => api.trials.verification({ trialId: w.results.trialIds[0], requestId: randomUUID() }),
  },
  'leaderboard.get': { allowed: READ, call: (api, w) => api.leaderboard.get({ scope: scope(w) }) },
  'leaderboard.scratchVsTransfer': {
    allowed: READ,
    call: (api, w) => api.leaderboard.scratchVsTransfer({ scope: { datasetId: w.datasetId } }),
  },
  'leaderboard.pairwise': { allowed: READ, call: (api, w) => api.leaderboard.pairwise({ scope: scope(w) }) },
  'leaderboard.paper': { allowed: READ, call: (api, w) => api.leaderboard.paper({ scope: scope(w) }) },
  'leaderboard.compare': {
    allowed: READ,
    call: (api, w) =>
      api.leaderboard.compare({ trialIdA: w.results.trialIds[0], trialIdB: w.results.trialIds[1] }),
  },
  'leaderboard.export': {
    allowed: READ,
    call: (api, w) => api.leaderboard.export({ scope: scope(w), table: 'leaderboard', format: 'csv' }),
  },
  'evaluations.list': {
    allowed: READ,
    call: (api, w) => api.evaluations.list({ trialId: w.results.trialIds[0] }),
  },
  'evaluations.options': {
    allowed: READ,
    call: (api, w) => api.evaluations.options({ trialId: w.results.trialIds[0] }),
  },
  'evaluations.run': {
    allowed: SUBMIT,
    call: (api, w) =>
      api.evaluations.run({ trialId: w.results.trialIds[0], ask: { kind: 'robustness', seed: 0 } }),
  },
  'evaluations.status': {
    allowed: READ,
    call: (api, w) =>
      api.evaluations.status({ trialId: w.results.trialIds[0], ask: { kind: 'robustness', seed: 0 } }),
  },
  'evaluations.robustness': {
    allowed: READ,
    call: (api, w) => api.evaluations.robustness({ sweepId: w.results.sweepId }),
  },
  'reports.get': {
    allowed: READ,
    call: (api, w) => api.reports.get({ sweepId: w.results.sweepId, checklist: 'tripod-ai' }),
  },
  'datasets.list': { allowed: READ, call: (api) => api.datasets.list({ project: 'alpha' }) },
  'datasets.get': { allowed: READ, call: (api, w) => api.datasets.get({ datasetId: w.datasetId }) },
  'datasets.previews': { allowed: READ, call: (api, w) => api.datasets.previews({ datasetId: w.datasetId }) },
  'datasets.startUpload': {
    allowed: SUBMIT,
    writesNothing: () => true,
    call: async (api) => {
      const { blobs } = await draftBlobs(worldDataset(next()));
      const declared = [...blobs].map(([name, b]) => ({ name, sha256: sha256Hex(b), bytes: b.length }));
      return api.datasets.startUpload({ project: 'alpha', blobs: declared });
    },
  },
  'datasets.register': {
    allowed: SUBMIT,
    call: async (api, w) => {
      // Uploaded by an admin, so the registration itself is the only thing that can be refused.
      const { id, blobs } = await draftBlobs(worldDataset(next()));
      const admin = await w.as('admin', 'token');
      const { upload } = await uploadDataset(admin.api, { project: 'alpha', name: 'unused', id, blobs });
      const sent = [...blobs].map(([name, b]) => ({ name, sha256: sha256Hex(b) }));
      return api.datasets.register({
        project: 'alpha',
        name: `uploaded-${next()}`,
        contentHash: id,
        uploadId: upload.uploadId,
        blobs: sent,
        origin: 'permissions test',
      });
    },
  },
  'weights.list': { allowed: READ, call: (api) => api.weights.list({ project: 'alpha' }) },
  'weights.startUpload': {
    allowed: SUBMIT,
    writesNothing: () => true,
    call: (api) => api.weights.startUpload({ project: 'alpha', sha256: sha256Hex(next()), bytes: 10 }),
  },
  'weights.register': {
    allowed: SUBMIT,
    call: async (api, w) => {
      // Uploaded by an admin, so the call itself is the only thing that can be refused.
      const bytes = new TextEncoder().encode(`weights ${next()}`);
      const sha256 = sha256Hex(bytes);
      const admin = await w.as('admin', 'token');
      const upload = await admin.api.weights.startUpload({ project: 'alpha', sha256, bytes: bytes.length });
      const [plan] = upload.blobs;
      if (plan?.method === 'put') await fetch(plan.url, { method: 'PUT', body: bytes });
      return api.weights.register({
        project: 'alpha',
        name: `uploaded-${next()}/vgg16`,
        sha256,
        fileName: 'vgg16.h5',
        uploadId: upload.uploadId,
      });
    },
  },
  'weights.fromTrial': {
    allowed: SUBMIT,
    call: (api, w) =>
      api.weights.fromTrial({ trialId: w.results.trialIds[0], name: `trial-${next()}/vgg16` }),
  },
  'artifacts.link': {
    allowed: READ,
    call: (api, w) => api.artifacts.link({ artifactId: w.results.artifactIds[0]! }),
  },
  'audit.list': { allowed: AUDIT, call: (api) => api.audit.list({ project: 'alpha' }) },
  'audit.verifyChain': { allowed: AUDIT, call: (api) => api.audit.verifyChain({ project: 'alpha' }) },
  'audit.listInstance': { allowed: INSTANCE_AUDIT, call: (api) => api.audit.listInstance({ limit: 5 }) },
  'audit.verifyInstanceChain': { allowed: INSTANCE_AUDIT, call: (api) => api.audit.verifyInstanceChain() },
  'audit.verifyLineage': {
    allowed: AUDIT,
    call: (api, w) => api.audit.verifyLineage({ trialId: w.results.trialIds[0], rehashArtifacts: true }),
  },
  'admin.createUser': {
    allowed: INSTANCE_ADMIN,
    call: (api) => api.admin.createUser({ email: `new-${next()}@example.test`, password: PASSWORD }),
  },
  'admin.listUsers': { allowed: INSTANCE_ADMIN, call: (api) => api.admin.listUsers() },
  'admin.setUserDisabled': {
    allowed: INSTANCE_ADMIN,
    call: async (api, w) => api.admin.setUserDisabled({ userId: (await freshUser(w)).id, disabled: true }),
  },
  'admin.setInstanceRole': {
    allowed: INSTANCE_ADMIN,
    call: async (api, w) => api.admin.setInstanceRole({ userId: (await freshUser(w)).id, role: 'auditor' }),
  },
  'admin.unlockSignIn': {
    allowed: INSTANCE_ADMIN,
    call: (api) => api.admin.unlockSignIn({ email: `locked-${next()}@example.test` }),
  },
  'admin.listMemberships': {
    allowed: PROJECT_ADMIN,
    call: (api) => api.admin.listMemberships({ project: 'alpha' }),
  },
  'admin.setMembership': {
    allowed: PROJECT_ADMIN,
    call: async (api, w) => {
      const user = await createUser(w.db, {
        email: `m-${next()}@example.test`,
        password: PASSWORD,
        actor: 'system:test',
      });
      return api.admin.setMembership({ project: 'alpha', userId: user.id, role: 'viewer' });
    },
  },
  'admin.createToken': {
    allowed: PROJECT_ADMIN,
    sessionsOnly: true,
    call: (api) => api.admin.createToken({ project: 'alpha', name: `t-${next()}`, role: 'viewer' }),
  },
  'admin.listTokens': { allowed: PROJECT_ADMIN, call: (api) => api.admin.listTokens({ project: 'alpha' }) },
  'admin.revokeToken': {
    allowed: PROJECT_ADMIN,
    call: async (api, w) => {
      // Stored directly, not through createApiToken: its own audit event would satisfy the revoke's check.
      const name = `revoke-me-${next()}`;
      const token = await w.db.apiToken.create({
        data: { tokenHash: name, name, userId: w.users.viewer.id, projectId: w.alpha.id, role: 'viewer' },
      });
      return api.admin.revokeToken({ project: 'alpha', tokenId: token.id });
    },
  },
};

const procedures = appRouter._def.procedures as unknown as Record<string, { _def: { type: string } }>;

function isAllowed({ allowed, sessionsOnly }: Entry, who: Who | null, via: Via | null): boolean {
  if (allowed === 'anyone') return true;
  if (who === null || (sessionsOnly && via === 'token')) return false;
  return allowed === 'signed-in' || allowed.includes(who);
}

const w = worldOfThisFile();

describe('the permission table', () => {
  it('has an entry for every procedure and no other', () => {
    expect(Object.keys(TABLE).sort()).toEqual(Object.keys(procedures).sort());
  });
});

const callers: { who: Who | null; via: Via | null }[] = [
  { who: null, via: null },
  ...WHO.flatMap((who) => (['session', 'token'] as const).map((via) => ({ who, via }))),
];

describe.each(Object.keys(procedures))('%s', (path) => {
  it.each(callers)('as $who via $via', async ({ who, via }) => {
    const entry = TABLE[path];
    expect(entry, `no permission-table entry for ${path}`).toBeDefined();
    const caller = who === null ? await w.anonymous() : await w.as(who, via!);
    const eventsBefore = await w.db.auditEvent.count();
    const outcome = await entry!.call(caller.api, w, who, via).then(
      (value) => ({ ok: true as const, value }),
      (error: unknown) => ({ ok: false as const, error }),
    );
    if (isAllowed(entry!, who, via)) {
      if (!outcome.ok) throw outcome.error;
      if (procedures[path]!._def.type === 'mutation' && !entry!.writesNothing?.(via)) {
        expect(await w.db.auditEvent.count(), `${path} wrote no audit event`).toBeGreaterThan(eventsBefore);
      }
    } else {
      expect(outcome.ok, `${path} let ${who ?? 'anonymous'} (${via}) through`).toBe(false);
      const error = (outcome as { error: unknown }).error;
      expect(error).toBeInstanceOf(TRPCError);
      expect((error as TRPCError).code).toBe(who === null ? 'UNAUTHORIZED' : 'FORBIDDEN');
    }
  });
});
