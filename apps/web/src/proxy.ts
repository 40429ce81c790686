// Tells server components which path they render (layouts are not told), so a signed-out visitor sent to
// /login comes back to the page they asked for.
import { NextResponse } from 'next/server';
import type { NextRequest } from 'next/server';
import { REQUEST_PATH_HEADER } from './lib/request-path';

export function proxy(request: NextRequest): NextResponse {
  const headers = new Headers(request.headers);
  headers.set(REQUEST_PATH_HEADER, request.nextUrl.pathname + request.nextUrl.search);
  return NextResponse.next({ request: { headers } });
}

export const config = {
  // Pages only: not the API, Next's assets or the login page itself.
  matcher: ['/((?!api/|_next/|login|favicon.ico).*)'],
};
