/**
 * known_hosts the way OpenSSH reads it: plain and hashed (`|1|salt|hash`) host fields,
 * `[host]:port` for non-22 ports, wildcard and negated patterns, `@revoked` and
 * `@cert-authority` markers. Used by the SSH transport's host-key check, which ssh2 leaves to us
 * (it accepts every key when no hostVerifier is set).
 */
import { createHash, createHmac, randomBytes } from 'node:crypto';
import { appendFile, mkdir, readFile } from 'node:fs/promises';
import path from 'node:path';

/** One usable line of a known_hosts file. */
export interface KnownHostEntry {
  file: string;
  line: number;
  marker: 'revoked' | 'cert-authority' | null;
  /** The host field as written (comma-separated patterns, or one `|1|salt|hash`). */
  hosts: string;
  keyType: string;
  /** The key blob, base64 as in the file. */
  keyBase64: string;
}

/** Parse known_hosts text; malformed lines are skipped like OpenSSH does. */
export function parseKnownHosts(text: string, file = 'known_hosts'): KnownHostEntry[] {
  const out: KnownHostEntry[] = [];
  const lines = text.split('\n');
  for (let i = 0; i < lines.length; i++) {
    const raw = (lines[i] ?? '').trim();
    if (raw === '' || raw.startsWith('#')) continue;
    const fields = raw.split(/[ \t]+/);
    let marker: KnownHostEntry['marker'] = null;
    if (fields[0]?.startsWith('@')) {
      const m = fields.shift();
      if (m === '@revoked') marker = 'revoked';
      else if (m === '@cert-authority') marker = 'cert-authority';
      else continue;
    }
    const [hosts, keyType, keyBase64] = fields;
    if (!hosts || !keyType || !keyBase64) continue;
    out.push({ file, line: i + 1, marker, hosts, keyType, keyBase64 });
  }
  return out;
}

/** The name OpenSSH looks up: `host` on port 22, `[host]:port` otherwise. */
export function hostKeyName(host: string, port: number): string {
  return port === 22 ? host : `[${host}]:${port}`;
}

/** OpenSSH's `SHA256:` fingerprint (unpadded base64 of the SHA-256 of the key blob). */
export function fingerprintSha256(keyBlob: Buffer): string {
  return `SHA256:${createHash('sha256').update(keyBlob).digest('base64').replace(/=+$/, '')}`;
}

/** The key type name carried at the start of an SSH public key blob. */
export function keyTypeOfBlob(blob: Buffer): string {
  if (blob.length < 4) return 'unknown';
  const len = blob.readUInt32BE(0);
  return blob.subarray(4, 4 + len).toString('latin1');
}

/** Whether a known_hosts host field matches the looked-up name. */
export function hostFieldMatches(field: string, name: string): boolean {
  if (field.startsWith('|1|')) {
    const [, , salt, hash] = field.split('|');
    if (!salt || !hash) return false;
    const mac = createHmac('sha1', Buffer.from(salt, 'base64')).update(name).digest('base64');
    return mac === hash;
  }
  let matched = false;
  for (const pattern of field.split(',')) {
    if (pattern.startsWith('!')) {
      if (globMatch(pattern.slice(1), name)) return false;
    } else if (globMatch(pattern, name)) {
      matched = true;
    }
  }
  return matched;
}

/** OpenSSH host pattern: `*` and `?` wildcards, case-insensitive. */
function globMatch(pattern: string, name: string): boolean {
  const re = new RegExp(`^${pattern.replace(/[.+^${}()|[\]\\]/g, '\\$&').replaceAll('*', '.*').replaceAll('?', '.')}$`, 'i');
  return re.test(name);
}

/** The verdict on a presented host key. */
export type HostKeyVerdict =
  | { status: 'known'; entry: KnownHostEntry }
  | { status: 'revoked'; entry: KnownHostEntry }
  /** The host is known but with a different key of this type (or only other types). */
  | { status: 'changed'; entries: KnownHostEntry[] }
  | { status: 'unknown' };

/** Notes for the user, e.g. ignored @cert-authority lines. */
export interface VerifyNotes {
  notes: string[];
}

/**
 * Check a presented key against the entries for `host`/`port` (by name and, when given, by the
 * address it resolved to). A revoked key is refused whatever else says; a matching key is known;
 * another key of the same type — or only keys of other types when the connection asked for the
 * known types first — means the host key changed.
 */
export function verifyHostKey(
  entries: readonly KnownHostEntry[],
  names: readonly string[],
  keyBlob: Buffer,
  notes?: VerifyNotes,
): HostKeyVerdict {
  const keyBase64 = keyBlob.toString('base64');
  const keyType = keyTypeOfBlob(keyBlob);
  const forHost = entries.filter((e) => names.some((n) => hostFieldMatches(e.hosts, n)));
  const revoked = entries.find((e) => e.marker === 'revoked' && e.keyBase64 === keyBase64 && (e.hosts === '*' || forHost.includes(e)));
  if (revoked) return { status: 'revoked', entry: revoked };
  for (const e of forHost) {
    if (e.marker === 'cert-authority') notes?.notes.push(`${e.file}:${e.line}: @cert-authority is not supported and was ignored (host certificates are not checked)`);
  }
  const plain = forHost.filter((e) => e.marker === null);
  const match = plain.find((e) => e.keyBase64 === keyBase64);
  if (match) return { status: 'known', entry: match };
  const sameType = plain.filter((e) => e.keyType === keyType);
  if (sameType.length) return { status: 'changed', entries: sameType };
  if (plain.length) return { status: 'changed', entries: plain };
  return { status: 'unknown' };
}

/** Key types already known for a host, so the handshake can ask for those first (as OpenSSH does). */
export function knownKeyTypes(entries: readonly KnownHostEntry[], names: readonly string[]): string[] {
  const types = new Set<string>();
  for (const e of entries) {
    if (e.marker === null && names.some((n) => hostFieldMatches(e.hosts, n))) types.add(e.keyType);
  }
  return [...types];
}

/** Read and parse several known_hosts files; missing files count as empty. */
export async function loadKnownHosts(files: readonly string[]): Promise<KnownHostEntry[]> {
  const all: KnownHostEntry[] = [];
  for (const f of files) {
    let text: string;
    try {
      text = await readFile(f, 'utf8');
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === 'ENOENT') continue;
      throw err;
    }
    all.push(...parseKnownHosts(text, f));
  }
  return all;
}

/** A hashed host field for `name`, as `ssh-keygen -H` writes it. */
export function hashHostName(name: string, salt: Buffer = randomBytes(20)): string {
  const hash = createHmac('sha1', salt).update(name).digest('base64');
  return `|1|${salt.toString('base64')}|${hash}`;
}

/** Append an accepted key to the app's own known_hosts file (created 0600 when missing). */
export async function appendKnownHost(file: string, name: string, keyBlob: Buffer): Promise<void> {
  await mkdir(path.dirname(file), { recursive: true, mode: 0o700 });
  let prefix = '';
  try {
    const cur = await readFile(file, 'utf8');
    if (cur.length && !cur.endsWith('\n')) prefix = '\n';
  } catch {
    // a new file
  }
  await appendFile(file, `${prefix}${name} ${keyTypeOfBlob(keyBlob)} ${keyBlob.toString('base64')}\n`, { mode: 0o600 });
}
