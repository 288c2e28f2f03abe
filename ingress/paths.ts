// Path and host matching as the Kubernetes Ingress documentation defines it. Prefix matching is
// element-wise (split on "/"), so "/foo" matches "/foo/bar" but not "/foobar", and a trailing
// slash on either side is ignored for Prefix (but significant for Exact).

export type PathKind = 'Exact' | 'Prefix' | 'Regex';

/** The form a Prefix path is stored in: no trailing slash, "" for "/". */
export function normalizePrefix(path: string): string {
  let p = path;
  while (p.endsWith('/')) p = p.slice(0, -1);
  return p;
}

export function prefixMatches(prefix: string, requestPath: string): boolean {
  const p = normalizePrefix(prefix);
  if (p === '') return true;
  return requestPath === p || requestPath.startsWith(p + '/');
}

/**
 * The prefixes a request path can be matched by, longest first, in normalized form:
 * "/a/b/" → ["/a/b", "/a", ""]. Walking these against a map is O(depth), not O(rules).
 */
export function candidatePrefixes(requestPath: string): string[] {
  const out: string[] = [];
  let p = normalizePrefix(requestPath);
  for (;;) {
    out.push(p);
    if (p === '') return out;
    p = p.slice(0, p.lastIndexOf('/'));
  }
}

/** The path part of a request target: query string and fragment never take part in matching. */
export function requestPathOf(url: string): string {
  const q = url.search(/[?#]/);
  const p = q === -1 ? url : url.slice(0, q);
  return p === '' ? '/' : p;
}

/** Host header without port, lower-cased; IPv6 literals keep their brackets. */
export function hostnameOf(hostHeader: string | undefined): string {
  if (!hostHeader) return '';
  const h = hostHeader.toLowerCase();
  if (h.startsWith('[')) return h.slice(0, h.indexOf(']') + 1);
  const c = h.indexOf(':');
  return c === -1 ? h : h.slice(0, c);
}

/** "a.foo.com" → "foo.com", the key under which "*.foo.com" rules are stored (one label only). */
export function wildcardKeyOf(hostname: string): string | undefined {
  const dot = hostname.indexOf('.');
  return dot <= 0 ? undefined : hostname.slice(dot + 1);
}

/** Compiles an nginx-style regex location: anchored at the start, case-insensitive. */
export function compileRegexPath(path: string): RegExp {
  return new RegExp('^' + path, 'i');
}
