// Where to go after sign-in: a path on this site, never another host. Browsers drop tabs and newlines from
// URLs and read a backslash as a slash, so `/\t/evil.example` or `/\evil.example` lead off-site although
// they start with one slash: any control character or backslash sends the browser home instead, and what
// is left must resolve to this site's origin.

/** Where a refused or missing `next` leads. */
const HOME = '/sweeps';
/** A stand-in origin to resolve against: whatever resolves elsewhere is not a path of this site. */
const SITE = 'https://medsweep.invalid';

export function safeNextPath(next: string | string[] | undefined): string {
  // eslint-disable-next-line no-control-regex
  if (typeof next !== 'string' || !next.startsWith('/') || /[\u0000-\u001f\u007f\\]/.test(next)) return HOME;
  let url: URL;
  try {
    url = new URL(next, SITE);
  } catch {
    return HOME;
  }
  if (url.origin !== SITE || next.startsWith('//')) return HOME;
  return url.pathname + url.search + url.hash;
}
