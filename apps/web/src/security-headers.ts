// Security headers of the dashboard.
// - On every response (next.config.ts, fixed at build time): frame-ancestors 'none' and X-Frame-Options
//   DENY (no other site can frame the dashboard: clickjacking), nosniff, a referrer that never carries a
//   path off the site, HSTS outside development, and a baseline policy forbidding plugins, <base> and
//   form posts elsewhere.
// - On every page (proxy.ts, at run time, because the object store's address is run-time configuration):
//   the full content security policy. Scripts, styles, fonts and API calls come from this site only;
//   images also from the object store (signed Grad-CAM links). Next.js's app router inlines its hydration
//   data as scripts, so script-src keeps 'unsafe-inline' (nonces would make every response dynamic);
//   React escapes rendered text, and every other directive still holds. The development server also
//   evaluates code and talks to its hot reload over a websocket.

export interface SecurityHeader {
  key: string;
  value: string;
}

const BASELINE = ["frame-ancestors 'none'", "object-src 'none'", "base-uri 'self'", "form-action 'self'"];

export function securityHeaders({ development }: { development: boolean }): SecurityHeader[] {
  return [
    { key: 'Content-Security-Policy', value: BASELINE.join('; ') },
    { key: 'X-Frame-Options', value: 'DENY' },
    { key: 'X-Content-Type-Options', value: 'nosniff' },
    { key: 'Referrer-Policy', value: 'strict-origin-when-cross-origin' },
    ...(development
      ? []
      : [{ key: 'Strict-Transport-Security', value: 'max-age=63072000; includeSubDomains' }]),
  ];
}

/** The content security policy of a page; `objectStore` is the S3 endpoint signed image links point at. */
export function pageContentSecurityPolicy({
  development,
  objectStore,
}: {
  development: boolean;
  objectStore: string;
}): string {
  return [
    "default-src 'self'",
    `script-src 'self' 'unsafe-inline'${development ? " 'unsafe-eval'" : ''}`,
    "style-src 'self' 'unsafe-inline'",
    `img-src 'self' data: blob: ${new URL(objectStore).origin}`,
    "font-src 'self'",
    `connect-src 'self'${development ? ' ws: wss:' : ''}`,
    ...BASELINE,
  ].join('; ');
}
