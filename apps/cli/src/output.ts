/** Exit codes scripts can rely on. */
export const EXIT = {
  ok: 0,
  /** A check ran and found a problem (unhealthy service, failed verification). */
  checkFailed: 1,
  /** Bad command line or configuration. */
  usage: 2,
  /** A service or resource could not be reached. */
  unavailable: 3,
} as const;

/** Known failures print as one specific line (or one per problem), never as a stack trace. */
export function describeError(e: unknown): string {
  if (e instanceof AggregateError) return e.errors.map(describeError).join('\n');
  if (e instanceof Error) return e.name !== 'Error' ? e.message : (e.stack ?? e.message);
  return String(e);
}

export function exitCodeFor(e: unknown): number {
  const name = e instanceof Error ? e.name : '';
  if (/^(ConfigError|ConfigFileError|NotLoggedInError|NoProjectError|RangeError|CommanderError)$/.test(name))
    return EXIT.usage;
  if (/Unreachable|PortInUse|Unhealthy|MissingBinary|AccessDenied/.test(name)) return EXIT.unavailable;
  return EXIT.checkFailed;
}
