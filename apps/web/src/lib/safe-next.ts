/** Where to go after login: a path on this site only (`/x`, never `//host` or `https://...`). */
export function safeNextPath(next: string | string[] | undefined): string {
  return typeof next === 'string' && next.startsWith('/') && !next.startsWith('//') && !next.startsWith('/\\')
    ? next
    : '/sweeps';
}
