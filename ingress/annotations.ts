// ingress-nginx's common annotation subset, parsed once per Ingress into a plain Policy.
// Unknown `nginx.ingress.kubernetes.io/…` and `podnet.dev/…` annotations are reported, never
// silently dropped; snippet annotations make the Ingress refused (they would run arbitrary
// nginx config, which a shared controller must not accept).
import { tryParseCIDR, type CIDR } from '../api/ip.js';

export const NGINX = 'nginx.ingress.kubernetes.io/';
export const PODNET = 'podnet.dev/';

export type LoadBalance = 'round_robin' | 'least_request';

export interface CanaryPolicy {
  readonly weight: number;
  readonly weightTotal: number;
  readonly header?: string;
  readonly headerValue?: string;
}

export interface CorsPolicy {
  readonly origin: string;
  readonly methods: string;
  readonly headers: string;
  readonly credentials: boolean;
}

export interface Policy {
  readonly useRegex: boolean;
  readonly rewriteTarget?: string;
  readonly sslRedirect: boolean;
  readonly forceSslRedirect: boolean;
  readonly backendProtocol: 'HTTP' | 'HTTPS';
  /** Bytes; 0 = unlimited. */
  readonly bodyLimit: number;
  readonly connectTimeoutMs: number;
  readonly readTimeoutMs: number;
  readonly sendTimeoutMs: number;
  readonly limitRps?: number;
  readonly limitConnections?: number;
  readonly allowRanges?: readonly CIDR[];
  readonly auth?: { readonly secret: string; readonly realm: string };
  readonly canary?: CanaryPolicy;
  readonly cors?: CorsPolicy;
  readonly affinityCookie?: string;
  readonly loadBalance: LoadBalance;
}

export interface AnnotationProblem {
  readonly reason: 'UnsupportedAnnotation' | 'InvalidAnnotation' | 'SnippetRefused';
  readonly message: string;
}

export const DEFAULT_POLICY: Policy = {
  useRegex: false,
  sslRedirect: true,
  forceSslRedirect: false,
  backendProtocol: 'HTTP',
  bodyLimit: 1024 * 1024,
  connectTimeoutMs: 5_000,
  readTimeoutMs: 60_000,
  sendTimeoutMs: 60_000,
  loadBalance: 'round_robin',
};

const KNOWN = new Set([
  'rewrite-target', 'use-regex', 'ssl-redirect', 'force-ssl-redirect', 'backend-protocol', 'proxy-body-size',
  'proxy-connect-timeout', 'proxy-read-timeout', 'proxy-send-timeout', 'limit-rps', 'limit-connections',
  'whitelist-source-range', 'allowlist-source-range', 'auth-type', 'auth-secret', 'auth-realm', 'canary',
  'canary-weight', 'canary-weight-total', 'canary-by-header', 'canary-by-header-value', 'enable-cors',
  'cors-allow-origin', 'cors-allow-methods', 'cors-allow-headers', 'cors-allow-credentials', 'affinity',
  'session-cookie-name', 'load-balance',
]);
const SNIPPETS = new Set(['configuration-snippet', 'server-snippet', 'auth-snippet', 'stream-snippet', 'modsecurity-snippet']);

/** "8m" → 8 MiB, "0" → unlimited, as nginx's client_max_body_size reads it. */
export function parseSize(text: string): number | undefined {
  const m = /^\s*(\d+)\s*([kKmMgG]?)\s*$/.exec(text);
  if (!m) return undefined;
  const mult = { '': 1, k: 1024, m: 1024 ** 2, g: 1024 ** 3 }[m[2]!.toLowerCase() as '' | 'k' | 'm' | 'g'];
  return Number(m[1]) * mult;
}

function bool(v: string | undefined, dflt: boolean): boolean {
  if (v === undefined) return dflt;
  return v.trim().toLowerCase() === 'true';
}

export function parsePolicy(annotations: Readonly<Record<string, string>> | undefined): { policy: Policy; problems: AnnotationProblem[]; refused: boolean } {
  const a = annotations ?? {};
  const problems: AnnotationProblem[] = [];
  let refused = false;
  const get = (k: string): string | undefined => a[NGINX + k];
  for (const key of Object.keys(a)) {
    if (key.startsWith(NGINX)) {
      const k = key.slice(NGINX.length);
      if (SNIPPETS.has(k)) {
        refused = true;
        problems.push({ reason: 'SnippetRefused', message: `ingress: annotation "${key}" is refused: snippets inject raw proxy configuration` });
      } else if (!KNOWN.has(k)) {
        problems.push({ reason: 'UnsupportedAnnotation', message: `ingress: annotation "${key}" is not supported and has no effect` });
      }
    } else if (key.startsWith(PODNET) && key !== PODNET + 'load-balance') {
      problems.push({ reason: 'UnsupportedAnnotation', message: `ingress: annotation "${key}" is not supported and has no effect` });
    }
  }
  const invalid = (k: string, v: string, why: string): void => {
    problems.push({ reason: 'InvalidAnnotation', message: `ingress: annotation "${NGINX + k}" value "${v}" is invalid: ${why}` });
  };
  const seconds = (k: string, dflt: number): number => {
    const v = get(k);
    if (v === undefined) return dflt;
    const n = Number(v);
    if (!Number.isFinite(n) || n <= 0) { invalid(k, v, 'expected a positive number of seconds'); return dflt; }
    return n * 1000;
  };
  const positive = (k: string): number | undefined => {
    const v = get(k);
    if (v === undefined) return undefined;
    const n = Number(v);
    if (!Number.isInteger(n) || n <= 0) { invalid(k, v, 'expected a positive integer'); return undefined; }
    return n;
  };

  let bodyLimit = DEFAULT_POLICY.bodyLimit;
  const bs = get('proxy-body-size');
  if (bs !== undefined) {
    const n = parseSize(bs);
    if (n === undefined) invalid('proxy-body-size', bs, 'expected a size like "8m"'); else bodyLimit = n;
  }

  let backendProtocol: Policy['backendProtocol'] = 'HTTP';
  const bp = get('backend-protocol');
  if (bp !== undefined) {
    const u = bp.toUpperCase();
    if (u === 'HTTP' || u === 'HTTPS') backendProtocol = u; else invalid('backend-protocol', bp, 'only HTTP and HTTPS are supported');
  }

  let allowRanges: CIDR[] | undefined;
  const ranges = get('allowlist-source-range') ?? get('whitelist-source-range');
  if (ranges !== undefined) {
    allowRanges = [];
    for (const r of ranges.split(',').map((s) => s.trim()).filter(Boolean)) {
      const c = tryParseCIDR(r.includes('/') ? r : r + (r.includes(':') ? '/128' : '/32'));
      if (c) allowRanges.push(c); else invalid('allowlist-source-range', r, 'not a CIDR');
    }
  }

  let auth: Policy['auth'];
  const authType = get('auth-type');
  if (authType !== undefined) {
    const secret = get('auth-secret');
    if (authType !== 'basic') invalid('auth-type', authType, 'only "basic" is supported');
    else if (!secret) invalid('auth-secret', '', 'auth-type basic needs auth-secret');
    else auth = { secret, realm: get('auth-realm') ?? 'Authentication Required' };
  }

  let canary: CanaryPolicy | undefined;
  if (bool(get('canary'), false)) {
    const w = get('canary-weight');
    const wt = get('canary-weight-total');
    canary = {
      weight: w === undefined ? 0 : Math.max(0, Number(w) || 0),
      weightTotal: wt === undefined ? 100 : Math.max(1, Number(wt) || 100),
      header: get('canary-by-header'),
      headerValue: get('canary-by-header-value'),
    };
  }

  let cors: CorsPolicy | undefined;
  if (bool(get('enable-cors'), false)) {
    cors = {
      origin: get('cors-allow-origin') ?? '*',
      methods: get('cors-allow-methods') ?? 'GET, PUT, POST, DELETE, PATCH, OPTIONS',
      headers: get('cors-allow-headers') ?? 'DNT,Keep-Alive,User-Agent,X-Requested-With,If-Modified-Since,Cache-Control,Content-Type,Range,Authorization',
      credentials: bool(get('cors-allow-credentials'), true),
    };
  }

  let affinityCookie: string | undefined;
  const aff = get('affinity');
  if (aff !== undefined) {
    if (aff === 'cookie') affinityCookie = get('session-cookie-name') ?? 'INGRESSCOOKIE';
    else invalid('affinity', aff, 'only "cookie" is supported');
  }

  let loadBalance: LoadBalance = 'round_robin';
  const lbPodnet = a[PODNET + 'load-balance'];
  const lbNginx = get('load-balance');
  if (lbPodnet !== undefined) {
    if (lbPodnet === 'least_request' || lbPodnet === 'round_robin') loadBalance = lbPodnet;
    else problems.push({ reason: 'InvalidAnnotation', message: `ingress: annotation "${PODNET}load-balance" value "${lbPodnet}" is invalid: expected round_robin or least_request` });
  } else if (lbNginx !== undefined) {
    // ewma picks the endpoint with the lowest expected latency; least-request is our nearest equivalent.
    if (lbNginx === 'ewma') loadBalance = 'least_request';
    else if (lbNginx === 'round_robin') loadBalance = 'round_robin';
    else invalid('load-balance', lbNginx, 'expected ewma or round_robin');
  }

  const rewriteTarget = get('rewrite-target');
  const policy: Policy = {
    // ingress-nginx enforces regex paths whenever rewrite-target is set.
    useRegex: bool(get('use-regex'), false) || rewriteTarget !== undefined,
    rewriteTarget,
    sslRedirect: bool(get('ssl-redirect'), true),
    forceSslRedirect: bool(get('force-ssl-redirect'), false),
    backendProtocol,
    bodyLimit,
    connectTimeoutMs: seconds('proxy-connect-timeout', DEFAULT_POLICY.connectTimeoutMs),
    readTimeoutMs: seconds('proxy-read-timeout', DEFAULT_POLICY.readTimeoutMs),
    sendTimeoutMs: seconds('proxy-send-timeout', DEFAULT_POLICY.sendTimeoutMs),
    limitRps: positive('limit-rps'),
    limitConnections: positive('limit-connections'),
    allowRanges,
    auth,
    canary,
    cors,
    affinityCookie,
    loadBalance,
  };
  return { policy, problems, refused };
}
