// htpasswd files for basic auth (the `auth` key of the auth-secret, as ingress-nginx reads it).
// Supported hashes: {SHA} (base64 SHA-1), $apr1$ and $1$ (MD5-crypt), and plain text.
// bcrypt ($2y$) is not supported: Node has no bcrypt and we carry no native addon for it; such
// users never authenticate (fail closed) and the compile reports it.
import { createHash, timingSafeEqual } from 'node:crypto';

export type Htpasswd = ReadonlyMap<string, string>;

export function parseHtpasswd(text: string): { users: Htpasswd; unsupported: string[] } {
  const users = new Map<string, string>();
  const unsupported: string[] = [];
  for (const raw of text.split(/\r?\n/)) {
    const line = raw.trim();
    if (line === '' || line.startsWith('#')) continue;
    const colon = line.indexOf(':');
    if (colon <= 0) continue;
    const user = line.slice(0, colon);
    const hash = line.slice(colon + 1);
    if (/^\$2[abxy]?\$/.test(hash)) unsupported.push(user);
    users.set(user, hash);
  }
  return { users, unsupported };
}

const ITOA64 = './0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz';

function to64(v: number, n: number): string {
  let out = '';
  for (let i = 0; i < n; i++, v >>= 6) out += ITOA64[v & 0x3f];
  return out;
}

/** MD5-crypt as Apache ($apr1$) and glibc ($1$) define it. */
export function md5crypt(password: string, salt: string, magic: '$apr1$' | '$1$'): string {
  const pw = Buffer.from(password);
  const s = Buffer.from(salt.split('$')[0]!.slice(0, 8));
  const alt = createHash('md5').update(pw).update(s).update(pw).digest();
  const ctx = createHash('md5').update(pw).update(magic).update(s);
  for (let i = pw.length; i > 0; i -= 16) ctx.update(alt.subarray(0, Math.min(16, i)));
  for (let i = pw.length; i > 0; i >>= 1) ctx.update(i & 1 ? Buffer.from([0]) : pw.subarray(0, 1));
  let fin = ctx.digest();
  for (let i = 0; i < 1000; i++) {
    const c = createHash('md5');
    c.update(i & 1 ? pw : fin);
    if (i % 3) c.update(s);
    if (i % 7) c.update(pw);
    c.update(i & 1 ? fin : pw);
    fin = c.digest();
  }
  const g = (a: number, b: number, c: number): string => to64((fin[a]! << 16) | (fin[b]! << 8) | fin[c]!, 4);
  return magic + s.toString() + '$' + g(0, 6, 12) + g(1, 7, 13) + g(2, 8, 14) + g(3, 9, 15) + g(4, 10, 5) + to64(fin[11]!, 2);
}

function same(a: string, b: string): boolean {
  const x = Buffer.from(a);
  const y = Buffer.from(b);
  return x.length === y.length && timingSafeEqual(x, y);
}

export function verifyPassword(hash: string, password: string): boolean {
  if (hash.startsWith('{SHA}')) return same(hash.slice(5), createHash('sha1').update(password).digest('base64'));
  for (const magic of ['$apr1$', '$1$'] as const) {
    if (hash.startsWith(magic)) return same(hash, md5crypt(password, hash.slice(magic.length), magic));
  }
  if (/^\$2[abxy]?\$/.test(hash)) return false;
  return same(hash, password);
}

/** Checks an `Authorization: Basic …` header against the users. */
export function checkBasic(users: Htpasswd, header: string | undefined): boolean {
  if (!header || !/^basic /i.test(header)) return false;
  const decoded = Buffer.from(header.slice(6).trim(), 'base64').toString();
  const colon = decoded.indexOf(':');
  if (colon < 0) return false;
  const hash = users.get(decoded.slice(0, colon));
  return hash !== undefined && verifyPassword(hash, decoded.slice(colon + 1));
}
