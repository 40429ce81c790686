// The client address a request came from, which the sign-in throttle counts by. A Next.js server adds
// X-Forwarded-For with the connection's address only when the request has none, so with no proxy in front
// a client can name any address it likes; behind N reverse proxies that each append the address they saw,
// the entry N places from the right was written by the outermost proxy and is the client's.
// MEDSWEEP_TRUSTED_PROXY_HOPS is that N (0: take the rightmost entry). See SECURITY.md.

/** Where no address is known: calls made in-process, and requests without X-Forwarded-For. */
export const UNKNOWN_CLIENT_ADDRESS = 'unknown';

/** The longest address kept (an IPv6 address with a zone is shorter): anything longer is not one. */
const MAX_ADDRESS_LENGTH = 64;

export function clientAddressOf(headers: Headers, trustedProxyHops: number): string {
  const entries = (headers.get('x-forwarded-for') ?? '')
    .split(',')
    .map((e) => e.trim())
    .filter((e) => e !== '');
  const address = entries[entries.length - Math.max(1, trustedProxyHops)];
  if (address === undefined || address.length > MAX_ADDRESS_LENGTH || !/^[0-9A-Za-z.:%_-]+$/.test(address))
    return UNKNOWN_CLIENT_ADDRESS;
  return address.toLowerCase();
}
