// Where the CLI keeps its logins: one { server, token } per profile in the user's config file
// ($XDG_CONFIG_HOME/medsweep/config.json, else ~/.config/medsweep/config.json), written with mode 0600 and
// refused when group or world can read it, since a token there acts with its user's role.
import { chmodSync, existsSync, mkdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import { z } from 'zod';
import { loadClientSettings } from '@medsweep/config';
import type { ClientSettings } from '@medsweep/config';
import { ConfigFileError, NotLoggedInError } from '../errors.js';

export const DEFAULT_PROFILE = 'default';

const profileName = z
  .string()
  .regex(/^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$/, 'must be letters, digits, ".", "_" or "-" (at most 64)');

const serverUrl = z
  .url({ protocol: /^https?$/, error: 'must be an http:// or https:// URL' })
  .transform((u) => u.replace(/\/+$/, ''));

/** One deployment the CLI talks to. */
const profileSchema = z.strictObject({
  server: serverUrl,
  token: z.string().min(1),
  /** The project the token is bound to (from auth.me at login): the default of `--project`. */
  project: z.string().min(1).optional(),
});
export type Profile = z.output<typeof profileSchema>;

const configFileSchema = z.strictObject({
  version: z.literal(1),
  profiles: z.record(profileName, profileSchema),
});
type ConfigFile = z.output<typeof configFileSchema>;

/** The config file's path. */
export const configFilePath = (): string => loadClientSettings().configFile;

/** The profile --profile named for this command; it wins over MEDSWEEP_PROFILE. */
let selectedProfile: string | undefined;
export function selectProfile(name: string): void {
  selectedProfile = name;
}

/** Reads the config file (an empty one when there is none); refuses one that others can read. */
export function readConfigFile(path: string): ConfigFile {
  if (!existsSync(path)) return { version: 1, profiles: {} };
  const mode = statSync(path).mode & 0o777;
  if ((mode & 0o077) !== 0) {
    throw new ConfigFileError(
      path,
      `holds API tokens but is readable by group or others (mode ${mode.toString(8).padStart(3, '0')}); run \`chmod 600 ${path}\``,
    );
  }
  let json: unknown;
  try {
    json = JSON.parse(readFileSync(path, 'utf8'));
  } catch (e) {
    throw new ConfigFileError(path, `is not valid JSON (${(e as Error).message})`);
  }
  const parsed = configFileSchema.safeParse(json);
  if (!parsed.success) {
    const issue = parsed.error.issues[0]!;
    throw new ConfigFileError(path, `${issue.path.join('.') || '(file)'}: ${issue.message}`);
  }
  return parsed.data;
}

function writeConfigFile(path: string, file: ConfigFile): void {
  mkdirSync(dirname(path), { recursive: true, mode: 0o700 });
  writeFileSync(path, `${JSON.stringify(file, null, 2)}\n`, { mode: 0o600 });
  // writeFileSync's mode applies only when it creates the file.
  chmodSync(path, 0o600);
}

/** Stores (or replaces) a profile. */
export function saveProfile(path: string, name: string, profile: Profile): void {
  const file = readConfigFile(path);
  writeConfigFile(path, {
    ...file,
    profiles: { ...file.profiles, [profileName.parse(name)]: profileSchema.parse(profile) },
  });
}

/** Forgets a profile; returns whether there was one. */
export function removeProfile(path: string, name: string): boolean {
  const file = readConfigFile(path);
  if (!(name in file.profiles)) return false;
  const { [name]: _removed, ...profiles } = file.profiles;
  writeConfigFile(path, { ...file, profiles });
  return true;
}

/** The profile a command uses: --profile, else MEDSWEEP_PROFILE, else `default`. */
export function profileNameOf(settings: ClientSettings = loadClientSettings()): string {
  const name = selectedProfile ?? settings.profile ?? DEFAULT_PROFILE;
  const parsed = profileName.safeParse(name);
  if (!parsed.success) throw new RangeError(`profile '${name}': ${parsed.error.issues[0]!.message}`);
  return parsed.data;
}

/**
 * The server and token a command talks to: the profile's, with MEDSWEEP_SERVER and MEDSWEEP_TOKEN
 * overriding each (both set: no config file is needed at all).
 */
export function resolveProfile(settings: ClientSettings = loadClientSettings()): Profile {
  const name = profileNameOf(settings);
  const path = settings.configFile;
  const { server, token } = settings;
  const stored = server && token ? undefined : readConfigFile(path).profiles[name];
  const merged = { ...stored, ...(server ? { server } : {}), ...(token ? { token } : {}) };
  if (!merged.server || !merged.token) throw new NotLoggedInError(name, path);
  const parsed = profileSchema.safeParse(merged);
  if (!parsed.success) {
    const issue = parsed.error.issues[0]!;
    throw new ConfigFileError(server ? 'MEDSWEEP_SERVER' : path, `${issue.path.join('.')}: ${issue.message}`);
  }
  return parsed.data;
}
