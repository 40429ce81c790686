// The headers dashboard responses carry: no framing, no MIME sniffing, HSTS outside development, and on
// pages a content security policy that lets only this site's scripts, styles and API calls run.
import { describe, expect, it } from 'vitest';
import { pageContentSecurityPolicy, securityHeaders } from './security-headers';

const asRecord = (development: boolean) =>
  Object.fromEntries(securityHeaders({ development }).map((h) => [h.key.toLowerCase(), h.value]));

const directives = (policy: string) =>
  Object.fromEntries(
    policy.split(';').map((d) => {
      const [name, ...values] = d.trim().split(/\s+/);
      return [name, values.join(' ')];
    }),
  );

describe('securityHeaders', () => {
  it('forbids framing and sniffing on every response, and sends HSTS in production', () => {
    const headers = asRecord(false);
    expect(headers['x-frame-options']).toBe('DENY');
    expect(headers['x-content-type-options']).toBe('nosniff');
    expect(headers['referrer-policy']).toBe('strict-origin-when-cross-origin');
    expect(headers['strict-transport-security']).toBe('max-age=63072000; includeSubDomains');
    expect(directives(headers['content-security-policy']!)).toEqual({
      'frame-ancestors': "'none'",
      'object-src': "'none'",
      'base-uri': "'self'",
      'form-action': "'self'",
    });
    expect(asRecord(true)['strict-transport-security']).toBeUndefined(); // plain http in development
  });

  it('gives pages a policy of this site plus the object store for images', () => {
    const csp = directives(
      pageContentSecurityPolicy({ development: false, objectStore: 'http://127.0.0.1:9000/' }),
    );
    expect(csp).toMatchObject({
      'default-src': "'self'",
      'script-src': "'self' 'unsafe-inline'",
      'img-src': "'self' data: blob: http://127.0.0.1:9000",
      'connect-src': "'self'",
      'frame-ancestors': "'none'",
      'object-src': "'none'",
    });
    const dev = directives(
      pageContentSecurityPolicy({ development: true, objectStore: 'https://s3.example' }),
    );
    expect(dev['script-src']).toContain("'unsafe-eval'");
  });
});
