// OpenAPI for kubectl: an empty v2 document (kubectl then finds no schema and leaves validation to
// the server) and a v3 index whose per-group documents declare the fieldValidation parameter on each
// PATCH, which is what kubectl checks for, and carry the kinds' schemas (apiserver/schemas) that
// `kubectl explain` reads. The PATCH operations declare no request body, so kubectl keeps computing
// apply patches from its built-in types rather than from these schemas.
import { createHash } from 'node:crypto';
import { groups, SERVER_VERSION } from './discovery.js';
import { allSchemas, closure } from './schemas/index.js';

export const OPENAPI_V2_CONTENT_TYPE = 'application/com.github.proto-openapi.spec.v2.v1.0+protobuf';

function gvPath(group: string, version: string): string {
  return group ? `apis/${group}/${version}` : `api/${version}`;
}

export function openapiV3Index(): object {
  const paths: Record<string, { serverRelativeURL: string }> = {};
  for (const g of groups()) {
    const p = gvPath(g.group, g.version);
    // Like upstream, the hash names the document's content, so a client cache keyed by it never
    // serves a document older than the server's.
    paths[p] = { serverRelativeURL: `/openapi/v3/${p}?hash=${documentHash(p)}` };
  }
  return { paths };
}

const hashes = new Map<string, string>();
function documentHash(path: string): string {
  let hash = hashes.get(path);
  if (!hash) {
    hash = createHash('sha512').update(JSON.stringify(openapiV3Document(path))).digest('hex').slice(0, 128).toUpperCase();
    hashes.set(path, hash);
  }
  return hash;
}

const documents = new Map<string, object | undefined>();

/** The v3 document of one group version (`api/v1`, `apis/apps/v1`), built once. */
export function openapiV3Document(path: string): object | undefined {
  if (!documents.has(path)) documents.set(path, buildDocument(path));
  return documents.get(path);
}

function buildDocument(path: string): object | undefined {
  const g = groups().find((x) => gvPath(x.group, x.version) === path);
  if (!g) return undefined;
  const paths: Record<string, object> = {};
  const param = [
    { name: 'fieldValidation', in: 'query', schema: { type: 'string', uniqueItems: true } },
    { name: 'dryRun', in: 'query', schema: { type: 'string', uniqueItems: true } },
    { name: 'fieldManager', in: 'query', schema: { type: 'string', uniqueItems: true } },
  ];
  for (const info of g.resources) {
    const base = `/${gvPath(g.group, g.version)}${info.namespaced ? '/namespaces/{namespace}' : ''}/${info.plural}`;
    const gvk = { group: info.group, version: info.version, kind: info.kind };
    const op = (action: string) => ({ 'x-kubernetes-action': action, 'x-kubernetes-group-version-kind': gvk, parameters: param, responses: { '200': { description: 'OK' } } });
    paths[base] = { post: op('post') };
    paths[`${base}/{name}`] = { put: op('put'), patch: op('patch') };
  }
  return {
    openapi: '3.0.0',
    info: { title: 'Kubernetes', version: SERVER_VERSION.gitVersion.replace(/-podnet$/, '') },
    paths,
    components: { schemas: schemasOf(g.group, g.version) },
  };
}

/** The schemas of a group version's kinds and everything they reference. */
function schemasOf(group: string, version: string): Record<string, object> {
  const roots: string[] = [];
  for (const [name, schema] of allSchemas()) {
    const gvks = (schema['x-kubernetes-group-version-kind'] ?? []) as { group: string; version: string }[];
    if (gvks.some((k) => k.group === group && k.version === version)) roots.push(name);
  }
  return closure(roots);
}
