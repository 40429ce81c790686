// Where the login page sends a browser after sign-in: only paths of this site, whatever a crafted `next=`
// holds. Each string is what the page receives once the query string is decoded.
import { describe, expect, it } from 'vitest';
import { safeNextPath } from './safe-next';

const HOME = '/sweeps';

describe('safeNextPath', () => {
  const offSite: [string, string][] = [
    ['tab between the slashes (%2F%09%2F, the probe)', '/\t/evil.example'],
    ['newline between the slashes', '/\n/evil.example'],
    ['carriage return between the slashes', '/\r/evil.example'],
    ['tab before the path', '\t//evil.example'],
    ['scheme-relative', '//evil.example'],
    ['scheme-relative with a path', '//evil.example/sweeps'],
    ['slash backslash', '/\\evil.example'],
    ['backslash slash', '\\/evil.example'],
    ['double backslash', '\\\\evil.example'],
    ['slash backslash tab', '/\\\t/evil.example'],
    ['three slashes', '///evil.example'],
    ['absolute http URL', 'http://evil.example/'],
    ['absolute https URL', 'https://evil.example/sweeps'],
    ['javascript URL', 'javascript:alert(document.cookie)'],
    ['javascript URL after a slash-less space', ' javascript:alert(1)'],
    ['data URL', 'data:text/html,<script>alert(1)</script>'],
    ['a bare host', 'evil.example'],
    ['null byte', '/\u0000/evil.example'],
    ['form feed', '/\f/evil.example'],
    ['still encoded once more (%252F%252F)', '%2F%2Fevil.example'],
    ['encoded backslash left encoded (%255C)', '%5Cevil.example'],
    ['empty', ''],
  ];
  it.each(offSite)('sends %s home', (_what, next) => {
    expect(safeNextPath(next)).toBe(HOME);
  });

  const onSite: [string, string][] = [
    ['/sweeps/0190-abc', '/sweeps/0190-abc'],
    ['/trials/1?tab=curves#loss', '/trials/1?tab=curves#loss'],
    ['/audit?project=demo', '/audit?project=demo'],
    // Encoded characters stay encoded: the browser asks this site for exactly that path.
    ['/%2F/evil.example', '/%2F/evil.example'],
    ['/%5Cevil.example', '/%5Cevil.example'],
    ['/a/../b', '/b'],
  ];
  it.each(onSite)('keeps %s', (next, kept) => {
    expect(safeNextPath(next)).toBe(kept);
  });

  it('takes no list and no missing value', () => {
    expect(safeNextPath(['/a', '/b'])).toBe(HOME);
    expect(safeNextPath(undefined)).toBe(HOME);
  });
});
