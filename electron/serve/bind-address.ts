/**
 * Which addresses the serve host may answer as. Binding beyond loopback exposes the dump to the
 * network, so callers warn; the Host header is checked against these names so a DNS-rebinding
 * page (Host: evil.example) is refused even before the token check.
 */
import { hostname, networkInterfaces } from 'node:os';
import { isIP } from 'node:net';

/** True for 127.0.0.0/8, ::1 and `localhost`. */
export function isLoopback(address: string): boolean {
  const a = address.replace(/^\[|\]$/g, '').toLowerCase();
  if (a === 'localhost' || a === '::1') return true;
  if (a.startsWith('::ffff:')) return isLoopback(a.slice(7));
  return isIP(a) === 4 && a.startsWith('127.');
}

/** True for the wildcard addresses that listen on every interface. */
export function isWildcard(address: string): boolean {
  return address === '0.0.0.0' || address === '::' || address === '[::]';
}

/** `host:port` as it appears in a Host header or URL (IPv6 in brackets). */
export function hostPort(host: string, port: number): string {
  const bare = host.replace(/^\[|\]$/g, '');
  return isIP(bare) === 6 ? `[${bare}]:${port}` : `${bare}:${port}`;
}

/**
 * Every `host:port` a legitimate browser may use to reach a host bound to `bind`: the loopback
 * names always, plus the bind address itself, or for a wildcard bind every interface address
 * and this machine's hostname.
 */
export function allowedHosts(bind: string, port: number): Set<string> {
  const names = new Set<string>(['127.0.0.1', 'localhost', '::1']);
  if (isWildcard(bind)) {
    for (const list of Object.values(networkInterfaces())) for (const i of list ?? []) names.add(i.address);
    names.add(hostname());
  } else {
    names.add(bind);
  }
  return new Set([...names].map((n) => hostPort(n, port).toLowerCase()));
}
