// For every page: tells server components which path they render (layouts are not told), so a signed-out
// visitor sent to /login comes back to the page they asked for; and sets the page's content security
// policy, which names the object store's run-time address (see security-headers.ts).
import { loadConfig } from '@medsweep/config';
import { NextResponse } from 'next/server';
import type { NextRequest } from 'next/server';
import { REQUEST_PATH_HEADER } from './lib/request-path';
import { pageContentSecurityPolicy } from './security-headers';

const policy = pageContentSecurityPolicy({
  // Next.js replaces NODE_ENV when it builds the proxy: `next dev` is the only development run.
  // eslint-disable-next-line no-restricted-syntax
  development: process.env.NODE_ENV === 'development',
  objectStore: loadConfig().s3.endpoint,
});

export function proxy(request: NextRequest): NextResponse {
  const headers = new Headers(request.headers);
  headers.set(REQUEST_PATH_HEADER, request.nextUrl.pathname + request.nextUrl.search);
  const response = NextResponse.next({ request: { headers } });
  response.headers.set('Content-Security-Policy', policy);
  return response;
}

export const config = {
  // Pages only (the login page too): not the API or Next's assets.
  matcher: ['/((?!api/|_next/|favicon.ico).*)'],
};
