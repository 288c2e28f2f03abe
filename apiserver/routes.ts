// Parsing a Kubernetes REST path (`/apis/apps/v1/namespaces/default/deployments/web/scale`) into
// the resource it names. Pure: the handler decides what to do with it.
import { resourceByPlural, type ResourceInfo } from '../api/resources.js';

export interface ResourcePath {
  readonly info: ResourceInfo;
  /** The namespace from the URL (namespaced resources only; undefined = all namespaces). */
  readonly namespace?: string;
  readonly name?: string;
  readonly subresource?: string;
}

export type PathMatch =
  | { kind: 'resource'; path: ResourcePath }
  | { kind: 'unknown-resource'; group: string; version: string; plural: string }
  | { kind: 'other' };

/** Group and version a path is under: `/api/v1/…` → ("", "v1"); `/apis/apps/v1/…` → ("apps", "v1"). */
function splitGroupVersion(segs: string[]): { group: string; version: string; rest: string[] } | undefined {
  if (segs[0] === 'api' && segs.length >= 2) return { group: '', version: segs[1]!, rest: segs.slice(2) };
  if (segs[0] === 'apis' && segs.length >= 3) return { group: segs[1]!, version: segs[2]!, rest: segs.slice(3) };
  return undefined;
}

export function matchResourcePath(pathname: string): PathMatch {
  const segs = pathname.split('/').filter((s) => s !== '').map((s) => decodeURIComponent(s));
  const gv = splitGroupVersion(segs);
  if (!gv || gv.rest.length === 0) return { kind: 'other' };
  const { group, version } = gv;
  let rest = gv.rest;
  let namespace: string | undefined;
  // "namespaces/<ns>/<plural>…" is a namespaced resource; "namespaces/<name>[/status]" is the Namespace itself.
  if (group === '' && rest[0] === 'namespaces' && rest.length >= 3 && resourceByPlural('', rest[2]!)?.namespaced) {
    namespace = rest[1];
    rest = rest.slice(2);
  } else if (group !== '' && rest[0] === 'namespaces' && rest.length >= 3) {
    namespace = rest[1];
    rest = rest.slice(2);
  }
  const plural = rest[0]!;
  const info = resourceByPlural(group, plural);
  if (!info || info.version !== version) return { kind: 'unknown-resource', group, version, plural };
  // services/NAME/proxy/PATH… and pods/NAME/proxy/PATH…: the tail is the proxied path.
  if (rest.length > 3 && !(rest[2] === 'proxy' && info.subresources.includes('proxy'))) return { kind: 'unknown-resource', group, version, plural: rest.join('/') };
  if (namespace !== undefined && !info.namespaced) return { kind: 'unknown-resource', group, version, plural };
  return { kind: 'resource', path: { info, namespace, name: rest[1], subresource: rest[2] } };
}
