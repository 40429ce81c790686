import { describe, expect, it } from 'vitest';
import { ConfigError, configFromEnv } from './config.js';

describe('configFromEnv', () => {
  it('gives local-stack defaults for an empty environment', () => {
    const c = configFromEnv({});
    expect(c.temporal).toMatchObject({
      address: '127.0.0.1:7233',
      host: '127.0.0.1',
      port: 7233,
      namespace: 'medsweep',
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

  it('rejects a port that is not a number', () => {
    expect(() => configFromEnv({ TEMPORAL_UI_PORT: 'eighty' })).toThrow(
      'TEMPORAL_UI_PORT="eighty": must be a TCP port number',
    );
  });
});
