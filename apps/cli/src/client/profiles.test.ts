// The config file of the CLI's logins, on a real temporary directory.
import { chmodSync, mkdtempSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { clientSettingsFromEnv } from '@medsweep/config';
import { readConfigFile, removeProfile, resolveProfile, saveProfile } from './profiles.js';

let dir: string;
let path: string;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'medsweep-profiles-'));
  path = join(dir, 'medsweep', 'config.json');
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

const settings = (env: Record<string, string> = {}) =>
  clientSettingsFromEnv({ XDG_CONFIG_HOME: dir, ...env });

describe('the config file', () => {
  it('keeps one login per profile, written owner-only', () => {
    saveProfile(path, 'default', { server: 'https://a.example/', token: 'mst_a', project: 'alpha' });
    saveProfile(path, 'staging', { server: 'http://127.0.0.1:3000', token: 'mst_b' });
    expect(statSync(path).mode & 0o777).toBe(0o600);
    expect(resolveProfile(settings())).toEqual({
      server: 'https://a.example',
      token: 'mst_a',
      project: 'alpha',
    });
    expect(resolveProfile(settings({ MEDSWEEP_PROFILE: 'staging' }))).toEqual({
      server: 'http://127.0.0.1:3000',
      token: 'mst_b',
    });
    expect(removeProfile(path, 'staging')).toBe(true);
    expect(Object.keys(readConfigFile(path).profiles)).toEqual(['default']);
  });

  it('lets MEDSWEEP_SERVER and MEDSWEEP_TOKEN override the profile, or replace the file', () => {
    saveProfile(path, 'default', { server: 'https://a.example', token: 'mst_a' });
    expect(resolveProfile(settings({ MEDSWEEP_TOKEN: 'mst_env' }))).toEqual({
      server: 'https://a.example',
      token: 'mst_env',
    });
    chmodSync(path, 0o644);
    // Both set: the file is not read at all.
    expect(resolveProfile(settings({ MEDSWEEP_SERVER: 'https://b.example', MEDSWEEP_TOKEN: 't' }))).toEqual({
      server: 'https://b.example',
      token: 't',
    });
  });

  it('refuses a file others can read, a malformed one, and a missing login, each saying what to do', () => {
    saveProfile(path, 'default', { server: 'https://a.example', token: 'mst_a' });
    chmodSync(path, 0o640);
    expect(() => resolveProfile(settings())).toThrow(
      `${path}: holds API tokens but is readable by group or others (mode 640); run \`chmod 600 ${path}\``,
    );
    writeFileSync(
      path,
      JSON.stringify({ version: 1, profiles: { default: { server: 'ftp://x', token: 't' } } }),
      {
        mode: 0o600,
      },
    );
    chmodSync(path, 0o600);
    expect(() => resolveProfile(settings())).toThrow(
      `${path}: profiles.default.server: must be an http:// or https:// URL`,
    );
    writeFileSync(path, JSON.stringify({ version: 1, profiles: {} }));
    expect(() => resolveProfile(settings({ MEDSWEEP_PROFILE: 'prod' }))).toThrow(
      "not logged in (profile 'prod',",
    );
  });
});
