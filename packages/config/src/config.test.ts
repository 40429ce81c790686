import { describe, expect, it } from 'vitest';
import {
  ConfigError,
  configFromEnv,
  DEV_SESSION_SECRET,
  QUIET_TENSORFLOW_LOG_LEVEL,
  quietNativeTensorflow,
} from './config.js';

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
    expect(c.databaseUrl).toBe('postgresql://medsweep:medsweep@127.0.0.1:55432/medsweep');
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
    const production = configFromEnv({ NODE_ENV: 'production', MEDSWEEP_SESSION_SECRET: secret });
    expect(production.auth).toMatchObject({ sessionSecret: secret, cookieSecure: true });
    const overridden = configFromEnv({
      NODE_ENV: 'production',
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
