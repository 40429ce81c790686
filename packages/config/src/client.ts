// What the CLI needs from the environment as an API client (no stack settings at all): where its logins
// are kept, which one to use, and the server and token that override it (for CI and scripts).
import { homedir } from 'node:os';
import { join } from 'node:path';

export interface ClientSettings {
  /** The user's config file, $XDG_CONFIG_HOME/medsweep/config.json (default ~/.config/...). */
  configFile: string;
  /** MEDSWEEP_PROFILE: the login to use when no --profile is given. */
  profile: string | undefined;
  /** MEDSWEEP_SERVER: overrides the profile's server. */
  server: string | undefined;
  /** MEDSWEEP_TOKEN: overrides the profile's API token. */
  token: string | undefined;
}

export function clientSettingsFromEnv(env: Record<string, string | undefined>): ClientSettings {
  const base = env.XDG_CONFIG_HOME || join(homedir(), '.config');
  return {
    configFile: join(base, 'medsweep', 'config.json'),
    profile: env.MEDSWEEP_PROFILE || undefined,
    server: env.MEDSWEEP_SERVER || undefined,
    token: env.MEDSWEEP_TOKEN || undefined,
  };
}

/** The CLI client's settings, read from this process's environment. */
export function loadClientSettings(): ClientSettings {
  return clientSettingsFromEnv(process.env);
}
