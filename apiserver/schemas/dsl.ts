// A small vocabulary for writing OpenAPI v3 schemas of the served kinds, in the shape the upstream
// apiserver publishes them (named component schemas, `allOf: [{$ref}]` for nested objects,
// `x-kubernetes-group-version-kind` on each top-level kind). `kubectl explain` reads them.
//
// The schemas describe; they do not validate (api/validation does that) and carry no
// strategic-merge-patch metadata: kubectl computes apply patches from its built-in types, which is
// what it does today because no PATCH operation in our documents declares a request body.

/** One property's schema (a JSON object in the OpenAPI document). */
export type Prop = Record<string, unknown>;

export interface SchemaDef {
  /** Component name, e.g. `io.k8s.api.core.v1.ServiceSpec`. */
  readonly name: string;
  readonly schema: Prop;
}

const REGISTRY = new Map<string, Prop>();

/** Component names under which upstream publishes the API groups' types. */
export const PKG = {
  core: 'io.k8s.api.core.v1',
  apps: 'io.k8s.api.apps.v1',
  discovery: 'io.k8s.api.discovery.v1',
  networking: 'io.k8s.api.networking.v1',
  gateway: 'io.k8s.networking.gateway.v1',
  meta: 'io.k8s.apimachinery.pkg.apis.meta.v1',
  intstr: 'io.k8s.apimachinery.pkg.util.intstr',
  resource: 'io.k8s.apimachinery.pkg.api.resource',
} as const;

function withOpts(p: Prop, opts: { enum?: readonly (string | number)[]; default?: unknown; format?: string } = {}): Prop {
  if (opts.enum) p['enum'] = [...opts.enum];
  if (opts.default !== undefined) p['default'] = opts.default;
  if (opts.format) p['format'] = opts.format;
  return p;
}

export function str(description: string, opts: { enum?: readonly string[]; default?: string; format?: string } = {}): Prop {
  return withOpts({ type: 'string', description }, opts);
}

/** An integer; `format: 'none'` for a Go `int` field, which CRD schemas publish without a format. */
export function int(description: string, opts: { default?: number; format?: 'int32' | 'int64' | 'none'; enum?: readonly number[] } = {}): Prop {
  const format = opts.format ?? 'int32';
  return withOpts({ type: 'integer', description }, { default: opts.default, enum: opts.enum, format: format === 'none' ? undefined : format });
}

export function bool(description: string, opts: { default?: boolean } = {}): Prop {
  return withOpts({ type: 'boolean', description }, opts);
}

function refTo(name: string): Prop {
  return { $ref: `#/components/schemas/${name}` };
}

/** A nested object of a named type. */
export function ref(name: string, description: string): Prop {
  return { allOf: [refTo(name)], description, default: {} };
}

/** A list; `of` is a type name (nested objects) or a scalar schema such as `{ type: 'string' }`. */
export function list(of: string | Prop, description: string, opts: { listType?: 'atomic' | 'set' | 'map'; mapKeys?: string[] } = {}): Prop {
  const items = typeof of === 'string' ? { allOf: [refTo(of)], default: {} } : { ...of, ...(of['type'] === 'string' ? { default: '' } : {}) };
  const p: Prop = { type: 'array', description, items };
  if (opts.listType) p['x-kubernetes-list-type'] = opts.listType;
  if (opts.mapKeys) p['x-kubernetes-list-map-keys'] = opts.mapKeys;
  return p;
}

export function strList(description: string, opts: { listType?: 'atomic' | 'set' } = {}): Prop {
  return list({ type: 'string' }, description, opts);
}

/** map[string]string (labels, selectors, data). */
export function strMap(description: string): Prop {
  return { type: 'object', description, additionalProperties: { type: 'string', default: '' } };
}

/** map[string]T for a named T. */
export function refMap(name: string, description: string): Prop {
  return { type: 'object', description, additionalProperties: { allOf: [refTo(name)], default: {} } };
}

export function intOrString(description: string): Prop {
  return ref(`${PKG.intstr}.IntOrString`, description);
}

export function time(description: string): Prop {
  return ref(`${PKG.meta}.Time`, description);
}

export function quantity(description: string): Prop {
  return ref(`${PKG.resource}.Quantity`, description);
}

/** Registers a named object type. */
export function type(name: string, description: string, properties: Record<string, Prop>, opts: { required?: string[] } = {}): void {
  const schema: Prop = { description, type: 'object', properties };
  if (opts.required?.length) schema['required'] = opts.required;
  define(name, schema);
}

/** Registers a named schema verbatim (scalars with a format, like Time or IntOrString). */
export function define(name: string, schema: Prop): void {
  if (REGISTRY.has(name)) throw new Error(`schema ${name} defined twice`);
  REGISTRY.set(name, schema);
}

/**
 * Registers a top-level kind: apiVersion, kind and metadata come first, then `properties`
 * (typically spec and status). Also registers the `<Kind>List` type.
 */
export function kind(
  name: string,
  gvk: { group: string; version: string; kind: string },
  description: string,
  properties: Record<string, Prop>,
  opts: { required?: string[]; metadata?: string } = {},
): void {
  const schema: Prop = {
    description,
    type: 'object',
    properties: {
      apiVersion: str(API_VERSION_TEXT),
      kind: str(KIND_TEXT),
      metadata: ref(`${PKG.meta}.ObjectMeta`, opts.metadata ?? OBJECT_META_TEXT),
      ...properties,
    },
    'x-kubernetes-group-version-kind': [gvk],
  };
  if (opts.required?.length) schema['required'] = opts.required;
  define(name, schema);
  define(`${name}List`, {
    description: `A list of ${gvk.kind} objects.`,
    type: 'object',
    properties: {
      apiVersion: str(API_VERSION_TEXT),
      items: list(name, `The ${gvk.kind} objects.`),
      kind: str(KIND_TEXT),
      metadata: ref(`${PKG.meta}.ListMeta`, 'Standard list metadata: the resourceVersion of the list and a continue token for paging.'),
    },
    required: ['items'],
    'x-kubernetes-group-version-kind': [{ ...gvk, kind: `${gvk.kind}List` }],
  });
}

export const API_VERSION_TEXT =
  'The versioned schema of this representation of an object, as group/version ("v1" for the core group). Servers convert recognized schemas to their latest internal value and may reject unrecognized values.';
export const KIND_TEXT =
  'The REST resource this object represents, in CamelCase. Servers may infer it from the endpoint the client submits requests to; it cannot be updated.';
export const OBJECT_META_TEXT = "Standard object metadata: name, namespace, labels, annotations, owner references and the server's bookkeeping.";

/** Every registered schema (after the type modules have been imported). */
export function allSchemas(): ReadonlyMap<string, Prop> {
  return REGISTRY;
}

/** The named schemas reachable from `roots` through `$ref`s, roots included. */
export function closure(roots: Iterable<string>): Record<string, Prop> {
  const out: Record<string, Prop> = {};
  const queue = [...roots];
  while (queue.length) {
    const name = queue.pop()!;
    if (out[name]) continue;
    const schema = REGISTRY.get(name);
    if (!schema) throw new Error(`schema ${name} is referenced but not defined`);
    out[name] = schema;
    collectRefs(schema, queue);
  }
  return out;
}

function collectRefs(value: unknown, into: string[]): void {
  if (Array.isArray(value)) {
    for (const v of value) collectRefs(v, into);
  } else if (value && typeof value === 'object') {
    for (const [k, v] of Object.entries(value)) {
      if (k === '$ref' && typeof v === 'string') into.push(v.slice('#/components/schemas/'.length));
      else collectRefs(v, into);
    }
  }
}
