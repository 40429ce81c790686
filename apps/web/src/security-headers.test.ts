// The headers every dashboard response carries: no framing, no MIME sniffing, a content security policy
// that lets only this site's scripts, styles and API calls run, and HSTS outside development.
import { describe, expect, it } from 'vitest';
import { securityHeaders } from './security-headers';

const asRecord = (development: boolean) =>
  Object.fromEntries(securityHeaders({ development }).map((h) => [h.key.toLowerCase(), h.value]));

describe('securityHeaders', () => {
  it('forbids framing, sniffing and foreign content, and sends HSTS in production', () => {
    const headers = asRecord(false);
    expect(headers['x-frame-options']).toBe('DENY');
    expect(headers['x-content-type-options']).toBe('nosniff');
    expect(headers['referrer-policy']).toBe('strict-origin-when-cross-origin');
    expect(headers['strict-transport-security']).toBe('max-age=63072000; includeSubDomains');
    const csp = Object.fromEntries(
      headers['content-security-policy']!.split(';').map((d) => {
        const [name, ...values] = d.trim().split(/\s+/);
        return [name, values.join(' ')];
      }),
    );
    expect(csp).toMatchObject({
      'default-src': "'self'",
      'frame-ancestors': "'none'",
      'connect-src': "'self'",
      'object-src': "'none'",
      'base-uri': "'self'",
      'form-action': "'self'",
    });
    expect(csp['script-src']).not.toContain('unsafe-eval');
  });

  it('lets the development server evaluate its hot-reload code, without HSTS on plain http', () => {
    const headers = asRecord(true);
    expect(headers['content-security-policy']).toMatch(/script-src [^;]*'unsafe-eval'/);
    expect(headers['strict-transport-security']).toBeUndefined();
  });
});
