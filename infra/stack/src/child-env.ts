/** Environment for the servers the stack spawns: the caller's (PATH, locale) plus their own settings. */
export function childEnv(extra: Record<string, string> = {}): NodeJS.ProcessEnv {
  return { ...process.env, ...extra };
}
