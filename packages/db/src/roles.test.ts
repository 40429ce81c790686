// The role split on a real database: the application role (DATABASE_URL) writes what the application
// writes, appends audit events and reads them, but may neither change an event nor touch the schema: the
// triggers that make audit_events append-only belong to the migrator, out of its reach.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createPrismaClient, type Db } from './client.js';
import { parseDatabaseUrl } from './connection.js';
import { appendAuditEvent, verifyAuditChain } from './repositories/audit.js';
import { throwawayDatabases, withClient, type MigratedDatabase } from './test-support/databases.js';

const dbs = throwawayDatabases();
let database: MigratedDatabase;
let app: Db;

beforeAll(async () => {
  database = await dbs.migrated();
  app = createPrismaClient(database.applicationUrl, { maxConnections: 2 });
}, 60_000);

afterAll(async () => {
  await app?.$disconnect();
  await dbs.dropAll();
});

describe('the application role', () => {
  it('is another role than the schema owner, and owns nothing', async () => {
    const [owner, application] = [database.ownerUrl, database.applicationUrl].map(
      (u) => parseDatabaseUrl(u).user,
    );
    expect(application).not.toBe(owner);
    await withClient(database.applicationUrl, async (c) => {
      const owned = await c.query(
        `SELECT c.relname FROM pg_class c JOIN pg_roles r ON r.oid = c.relowner WHERE r.rolname = current_user`,
      );
      expect(owned.rows).toEqual([]);
    });
  });

  it('appends audit events and reads them, as the application does', async () => {
    for (const n of [1, 2, 3]) {
      await appendAuditEvent(app, {
        projectId: null,
        actor: 'system:test',
        action: 'test.event',
        subjectType: 'test',
        subjectId: `e${n}`,
        payload: { n },
      });
    }
    expect(await verifyAuditChain(app)).toMatchObject({ ok: true, events: 3 });
    // Reads and writes on the other tables work as before.
    const project = await app.project.create({ data: { slug: 'roles', name: 'Roles' } });
    await app.project.update({ where: { id: project.id }, data: { name: 'Roles renamed' } });
    await app.project.delete({ where: { id: project.id } });
  });

  it('may not update, delete or truncate audit events: refused before any trigger runs', async () => {
    await withClient(database.applicationUrl, async (c) => {
      for (const statement of [
        `UPDATE audit_events SET actor = 'mallory' WHERE seq = 1`,
        'DELETE FROM audit_events WHERE seq = 2',
        'TRUNCATE audit_events',
      ]) {
        await expect(c.query(statement), statement).rejects.toThrow(
          'permission denied for table audit_events',
        );
      }
    });
  });

  it('may not drop or disable the append-only triggers, or change the table', async () => {
    await withClient(database.applicationUrl, async (c) => {
      for (const statement of [
        'DROP TRIGGER audit_events_refuse_update_delete ON audit_events',
        'ALTER TABLE audit_events DISABLE TRIGGER USER',
        'ALTER TABLE audit_events DISABLE TRIGGER audit_events_refuse_truncate',
        'DROP FUNCTION audit_events_refuse_change() CASCADE',
        'ALTER TABLE audit_events ADD COLUMN note text',
      ]) {
        await expect(c.query(statement), statement).rejects.toThrow(
          /must be owner of (relation|table|function)/,
        );
      }
      await expect(c.query('CREATE TABLE shadow_events (seq bigint)')).rejects.toThrow(
        'permission denied for schema public',
      );
      await expect(
        c.query(`INSERT INTO _prisma_migrations (id, checksum, migration_name) VALUES ('x', 'x', 'x')`),
      ).rejects.toThrow('permission denied for table _prisma_migrations');
    });
    await withClient(database.ownerUrl, async (c) => {
      const triggers = await c.query(
        `SELECT tgname FROM pg_trigger WHERE tgrelid = 'audit_events'::regclass AND NOT tgisinternal AND tgenabled = 'O' ORDER BY tgname`,
      );
      expect(triggers.rows.map((r: { tgname: string }) => r.tgname)).toEqual([
        'audit_events_refuse_truncate',
        'audit_events_refuse_update_delete',
      ]);
    });
    expect(await verifyAuditChain(app)).toMatchObject({ ok: true, events: 3 });
  });
});
