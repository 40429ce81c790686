import { describe, expect, it } from 'vitest';
import {
  ConfigError,
  configFromEnv,
  DEV_SESSION_SECRET,
  QUIET_TENSORFLOW_LOG_LEVEL,
  quietNativeTensorflow,
} from './config.js';

/** A production environment with real-looking credentials everywhere. */
const PRODUCTION = {
  NODE_ENV: 'production',
  MEDSWEEP_SESSION_SECRET: 'k3Vq9xT2mW8pL5zR7nB4cY6hJ1dF0sGa',
  DATABASE_URL: 'postgresql://medsweep_app:Xq8v2LmR9tYw@db.internal:5432/medsweep',
  S3_ACCESS_KEY_ID: 'AKIAEXAMPLE7Q2W',
  S3_SECRET_ACCESS_KEY: 'wJalrXUtnFEMI7K7MDENGbPxRfiCYzq9',
};

describe('configFromEnv', () => {
  it('gives local-stack defaults for an empty environment', () => {
    const c = configFromEnv({});
    expect(c.temporal).toMatchObject({
      address: '127.0.0.1:7233',
      host: '127.0.0.1',
      port: 7233,
      namespace: 'medsweep',
      server: 'dev',
    });
    expect(c.s3).toMatchObject({
      endpoint: 'http://127.0.0.1:9000',
      bucket: 'medsweep',
      forcePathStyle: true,
    });
    // The application's role and the migrator's (which owns the schema) are different roles.
    expect(c.databaseUrl).toBe('postgresql://medsweep_app:medsweep-app-local@127.0.0.1:55432/medsweep');
    expect(c.migrationDatabaseUrl).toBe('postgresql://medsweep:medsweep@127.0.0.1:55432/medsweep');
    expect(c.stackServices).toEqual(['temporal', 'minio', 'postgres']);
    expect(c.stackDir.endsWith('.stack')).toBe(true);
  });

  it('takes external services and narrows what the stack starts', () => {
    const c = configFromEnv({
      TEMPORAL_ADDRESS: 'temporal.internal:7233',
      DATABASE_URL: 'postgres://u:p@db.internal:5432/ms',
      MEDSWEEP_STACK_SERVICES: 'minio',
      S3_FORCE_PATH_STYLE: 'false',
    });
    expect(c.temporal.host).toBe('temporal.internal');
    expect(c.stackServices).toEqual(['minio']);
    expect(c.s3.forcePathStyle).toBe(false);
  });

  it('names every bad setting, what it held and what is accepted', () => {
    let error: unknown;
    try {
      configFromEnv({
        TEMPORAL_UI_PORT: '99999',
        DATABASE_URL: 'mysql://x@y/z',
        S3_SECRET_ACCESS_KEY: 'short',
        MEDSWEEP_STACK_SERVICES: 'temporal,redis',
      });
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(ConfigError);
    const lines = (error as ConfigError).message.split('\n');
    expect(lines).toHaveLength(4);
    expect(lines).toContain('TEMPORAL_UI_PORT="99999": must be between 1 and 65535');
    expect(lines).toContain('DATABASE_URL="mysql://x@y/z": must start with postgresql:// or postgres://');
    expect(lines).toContain('S3_SECRET_ACCESS_KEY="***": must be at least 8 characters');
    expect(lines.find((l) => l.startsWith('MEDSWEEP_STACK_SERVICES='))).toMatch(
      /must be one of temporal, minio, postgres/,
    );
  });

  it('never echoes a password', () => {
    expect(() => configFromEnv({ DATABASE_URL: 'mysql://admin:hunter22@db/x' })).toThrow(
      'DATABASE_URL="mysql://admin:***@db/x": must start with postgresql:// or postgres://',
    );
  });

  it('reads the worker shutdown grace in seconds and the GPUs a process is given', () => {
    expect(configFromEnv({}).workerShutdownGraceMs).toBe(60_000);
    expect(configFromEnv({}).checkpointsKept).toBe(2);
    expect(configFromEnv({ MEDSWEEP_CHECKPOINTS_KEPT: '0' }).checkpointsKept).toBe(0);
    expect(() => configFromEnv({ MEDSWEEP_CHECKPOINTS_KEPT: '-1' })).toThrow(
      'MEDSWEEP_CHECKPOINTS_KEPT="-1": must be between 0 (keep all) and 1000',
    );
    const c = configFromEnv({ MEDSWEEP_WORKER_SHUTDOWN_GRACE_SECONDS: '90', CUDA_VISIBLE_DEVICES: '1' });
    expect(c.workerShutdownGraceMs).toBe(90_000);
    expect(c.cudaVisibleDevices).toBe('1');
    expect(() => configFromEnv({ MEDSWEEP_WORKER_SHUTDOWN_GRACE_SECONDS: '0' })).toThrow(
      'MEDSWEEP_WORKER_SHUTDOWN_GRACE_SECONDS="0": must be between 1 and 3600',
    );
  });

  it('runs Temporal as the dev server unless MEDSWEEP_TEMPORAL asks for the cluster', () => {
    expect(configFromEnv({ MEDSWEEP_TEMPORAL: 'cluster' }).temporal.server).toBe('cluster');
    expect(() => configFromEnv({ MEDSWEEP_TEMPORAL: 'k8s' })).toThrow(
      'MEDSWEEP_TEMPORAL="k8s": must be one of dev, cluster',
    );
  });

  it('rejects a port that is not a number', () => {
    expect(() => configFromEnv({ TEMPORAL_UI_PORT: 'eighty' })).toThrow(
      'TEMPORAL_UI_PORT="eighty": must be a TCP port number',
    );
  });

  it('gives development auth defaults: a public session secret, cookies without Secure, 12 h sessions', () => {
    expect(configFromEnv({}).auth).toEqual({
      sessionSecret: DEV_SESSION_SECRET,
      sessionTtlSeconds: 12 * 3600,
      sessionIdleSeconds: 60 * 60,
      trustedProxyHops: 0,
      cookieSecure: false,
      bootstrapAdmin: { email: 'admin@medsweep.local', password: null },
      defaultProject: 'default',
    });
    expect(DEV_SESSION_SECRET.length).toBeGreaterThanOrEqual(32);
  });

  it('requires a session secret in production and sends cookies Secure there by default', () => {
    expect(() => configFromEnv({ NODE_ENV: 'production' })).toThrow(
      'MEDSWEEP_SESSION_SECRET=(unset): must be set when NODE_ENV=production (at least 32 random characters)',
    );
    const secret = 's'.repeat(40);
    const production = configFromEnv({ ...PRODUCTION, MEDSWEEP_SESSION_SECRET: secret });
    expect(production.auth).toMatchObject({ sessionSecret: secret, cookieSecure: true });
    const overridden = configFromEnv({
      ...PRODUCTION,
      MEDSWEEP_SESSION_SECRET: secret,
      MEDSWEEP_COOKIE_SECURE: 'false',
    });
    expect(overridden.auth.cookieSecure).toBe(false);
  });

  it('refuses short secrets and passwords without echoing them', () => {
    let error: unknown;
    try {
      configFromEnv({
        MEDSWEEP_SESSION_SECRET: 'too-short',
        MEDSWEEP_ADMIN_PASSWORD: 'short',
        MEDSWEEP_SESSION_TTL_HOURS: '0',
      });
    } catch (e) {
      error = e;
    }
    expect((error as ConfigError).message.split('\n').sort()).toEqual([
      'MEDSWEEP_ADMIN_PASSWORD="***": must be at least 12 characters',
      'MEDSWEEP_SESSION_SECRET="***": must be at least 32 characters',
      'MEDSWEEP_SESSION_TTL_HOURS="0": must be between 1 and 720 hours',
    ]);
  });

  it('refuses placeholder and default secrets in production, one line naming each variable', () => {
    expect(configFromEnv(PRODUCTION).databaseUrl).toBe(PRODUCTION.DATABASE_URL);
    const refusedWith = (env: Record<string, string>): string[] => {
      try {
        configFromEnv({ ...PRODUCTION, ...env });
      } catch (e) {
        expect(e).toBeInstanceOf(ConfigError);
        return (e as ConfigError).message.split('\n');
      }
      throw new Error(`accepted ${JSON.stringify(env)}`);
    };
    const placeholder = 'must not be a placeholder (CHANGE-ME...) in production: set a real secret';
    expect(refusedWith({ MEDSWEEP_SESSION_SECRET: 'CHANGE-ME-TO-32-OR-MORE-RANDOM-CHARACTERS' })).toEqual([
      `MEDSWEEP_SESSION_SECRET="***": ${placeholder}`,
    ]);
    expect(refusedWith({ MEDSWEEP_SESSION_SECRET: DEV_SESSION_SECRET })).toEqual([
      'MEDSWEEP_SESSION_SECRET="***": must not be the public development secret in production',
    ]);
    expect(refusedWith({ MEDSWEEP_ADMIN_PASSWORD: 'change-me-admin-password' })).toEqual([
      `MEDSWEEP_ADMIN_PASSWORD="***": ${placeholder}`,
    ]);
    expect(refusedWith({ S3_SECRET_ACCESS_KEY: 'CHANGE-ME-TOO', S3_ACCESS_KEY_ID: 'CHANGE-ME' })).toEqual([
      `S3_ACCESS_KEY_ID="CHANGE-ME": ${placeholder}`,
      `S3_SECRET_ACCESS_KEY="***": ${placeholder}`,
    ]);
    expect(refusedWith({ S3_SECRET_ACCESS_KEY: 'medsweep-local-secret' })).toEqual([
      'S3_SECRET_ACCESS_KEY="***": must not be the local stack\'s default in production',
    ]);
    expect(
      refusedWith({ DATABASE_URL: 'postgresql://medsweep:CHANGE-ME@postgres.internal:5432/medsweep' }),
    ).toEqual([
      `DATABASE_URL="postgresql://medsweep:***@postgres.internal:5432/medsweep": the password ${placeholder}`,
    ]);
    expect(
      refusedWith({ MIGRATION_DATABASE_URL: 'postgresql://medsweep:medsweep@db.internal:5432/medsweep' }),
    ).toEqual([
      'MIGRATION_DATABASE_URL="postgresql://medsweep:***@db.internal:5432/medsweep": the password must not be the local stack\'s default in production',
    ]);
    // Unset credentials would silently fall back to the local stack's: production must name its own.
    const { DATABASE_URL: _db, S3_ACCESS_KEY_ID: _id, S3_SECRET_ACCESS_KEY: _key, ...partial } = PRODUCTION;
    let error: unknown;
    try {
      configFromEnv(partial);
    } catch (e) {
      error = e;
    }
    expect((error as ConfigError).message.split('\n')).toEqual([
      "DATABASE_URL=(unset): must be set when NODE_ENV=production (the local stack's default is public)",
      "S3_ACCESS_KEY_ID=(unset): must be set when NODE_ENV=production (the local stack's default is public)",
      "S3_SECRET_ACCESS_KEY=(unset): must be set when NODE_ENV=production (the local stack's default is public)",
    ]);
    // Outside production the same values are fine: they are the local stack's.
    expect(() => configFromEnv({ S3_SECRET_ACCESS_KEY: 'medsweep-local-secret' })).not.toThrow();
  });

  it('migrates with MIGRATION_DATABASE_URL, which defaults to DATABASE_URL once that names another server', () => {
    const external = 'postgresql://app:secret@db.internal:5432/ms';
    expect(configFromEnv({ DATABASE_URL: external }).migrationDatabaseUrl).toBe(external);
    const migrator = 'postgresql://owner:other@db.internal:5432/ms';
    expect(
      configFromEnv({ DATABASE_URL: external, MIGRATION_DATABASE_URL: migrator }).migrationDatabaseUrl,
    ).toBe(migrator);
    expect(() => configFromEnv({ MIGRATION_DATABASE_URL: 'mysql://owner@db/ms' })).toThrow(
      'MIGRATION_DATABASE_URL="mysql://owner@db/ms": must start with postgresql:// or postgres://',
    );
  });

  it('reads the session idle timeout, trusted proxy hops and the audit anchor settings', () => {
    const c = configFromEnv({
      MEDSWEEP_SESSION_IDLE_MINUTES: '15',
      MEDSWEEP_TRUSTED_PROXY_HOPS: '1',
      S3_AUDIT_ANCHOR_BUCKET: 'ms-anchors',
      MEDSWEEP_AUDIT_ANCHOR_MINUTES: '5',
      MEDSWEEP_AUDIT_ANCHOR_MODE: 'governance',
      MEDSWEEP_AUDIT_ANCHOR_RETENTION_DAYS: '30',
    });
    expect(c.auth).toMatchObject({ sessionIdleSeconds: 900, trustedProxyHops: 1 });
    expect(c.auditAnchors).toEqual({
      bucket: 'ms-anchors',
      everyMinutes: 5,
      mode: 'governance',
      retentionDays: 30,
    });
    expect(configFromEnv({}).auditAnchors).toEqual({
      bucket: 'medsweep-audit-anchors',
      everyMinutes: 60,
      mode: 'compliance',
      retentionDays: 2555,
    });
    expect(() => configFromEnv({ MEDSWEEP_AUDIT_ANCHOR_MODE: 'off' })).toThrow(
      'MEDSWEEP_AUDIT_ANCHOR_MODE="off": must be compliance or governance',
    );
    expect(() => configFromEnv({ MEDSWEEP_SESSION_IDLE_MINUTES: '0' })).toThrow(
      'MEDSWEEP_SESSION_IDLE_MINUTES="0": must be between 1 and 1440 minutes',
    );
  });

  it("lets the local stack's dashboard (next start: NODE_ENV=production) keep its public credentials on 127.0.0.1", () => {
    const local = {
      NODE_ENV: 'production',
      MEDSWEEP_SESSION_SECRET: 'l'.repeat(40),
      MEDSWEEP_LOCAL_STACK: 'true',
    };
    expect(configFromEnv(local).s3.secretAccessKey).toBe('medsweep-local-secret');
    expect(() =>
      configFromEnv({
        ...local,
        DATABASE_URL: 'postgresql://medsweep_app:medsweep-app-local@db.internal:5432/m',
      }),
    ).toThrow(
      'MEDSWEEP_LOCAL_STACK="true": only for services on the loopback interface, but DATABASE_URL names another host',
    );
    // Placeholders and the public development secret stay refused.
    expect(() => configFromEnv({ ...local, MEDSWEEP_SESSION_SECRET: DEV_SESSION_SECRET })).toThrow(
      'must not be the public development secret in production',
    );
  });
});

describe('quietNativeTensorflow', () => {
  it("drops TensorFlow's INFO lines unless the environment already says otherwise", () => {
    const env: NodeJS.ProcessEnv = {};
    quietNativeTensorflow(env);
    expect(env.TF_CPP_MIN_LOG_LEVEL).toBe(QUIET_TENSORFLOW_LOG_LEVEL);
    const verbose: NodeJS.ProcessEnv = { TF_CPP_MIN_LOG_LEVEL: '0' };
    quietNativeTensorflow(verbose);
    expect(verbose.TF_CPP_MIN_LOG_LEVEL).toBe('0');
  });
});
