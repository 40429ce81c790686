// Security headers of every dashboard response (next.config.ts sends them for all paths).
// - frame-ancestors 'none' and X-Frame-Options DENY: no other site can frame the dashboard (clickjacking).
// - A content security policy: scripts, styles, images, fonts and API calls from this site only; no
//   plugins; forms post only here. Next.js's app router inlines its hydration data as scripts, so
//   script-src keeps 'unsafe-inline' (nonces would make every response dynamic); React escapes rendered
//   text, and every other directive still holds. The development server also evaluates code.
// - nosniff, a referrer that never leaves the origin with its path, and HSTS outside development.

export interface SecurityHeader {
  key: string;
  value: string;
}

export function securityHeaders({ development }: { development: boolean }): SecurityHeader[] {
  const policy = [
    "default-src 'self'",
    `script-src 'self' 'unsafe-inline'${development ? " 'unsafe-eval'" : ''}`,
    "style-src 'self' 'unsafe-inline'",
    "img-src 'self' data: blob:",
    "font-src 'self'",
    // The development server's hot reload talks over a websocket to the same host.
    `connect-src 'self'${development ? ' ws: wss:' : ''}`,
    "object-src 'none'",
    "base-uri 'self'",
    "form-action 'self'",
    "frame-ancestors 'none'",
  ].join('; ');
  return [
    { key: 'Content-Security-Policy', value: policy },
    { key: 'X-Frame-Options', value: 'DENY' },
    { key: 'X-Content-Type-Options', value: 'nosniff' },
    { key: 'Referrer-Policy', value: 'strict-origin-when-cross-origin' },
    ...(development
      ? []
      : [{ key: 'Strict-Transport-Security', value: 'max-age=63072000; includeSubDomains' }]),
  ];
}
