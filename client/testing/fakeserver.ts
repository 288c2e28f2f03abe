// A deliberately tiny Kubernetes-shaped HTTP server for the client's own tests: objects in a
// map, a global resourceVersion counter, merge patches, NDJSON watch, and hooks to make the
// next watch answer 410 or drop the connection. Components test against the real apiserver;
// this exists so the client's wire handling is tested without depending on it.
import * as http from 'node:http';
import type { AddressInfo } from 'node:net';

type Obj = { metadata: { name: string; namespace?: string; resourceVersion?: string; [k: string]: unknown }; [k: string]: unknown };

export interface FakeServer {
  url: string;
  requests: { method: string; url: string; headers: http.IncomingHttpHeaders; body: string }[];
  objects: Map<string, Obj>;
  /** The next watch request gets an ERROR event with code 410 (then the stream closes). */
  expireNextWatch(): void;
  /** Ends every open watch stream (as a server timeout would). */
  endWatches(): void;
  /** Stores an object under a collection (or object) path, as a write through the API would. */
  put(path: string, obj: Obj): void;
  del(path: string, name: string): void;
  close(): Promise<void>;
}

function mergePatch(target: unknown, patch: unknown): unknown {
  if (patch === null || typeof patch !== 'object' || Array.isArray(patch)) return patch;
  const out: Record<string, unknown> = target && typeof target === 'object' && !Array.isArray(target) ? { ...(target as object) } : {};
  for (const [k, v] of Object.entries(patch)) {
    if (v === null) delete out[k];
    else out[k] = mergePatch(out[k], v);
  }
  return out;
}

export async function startFakeServer(opts: { unserved?: readonly string[] } = {}): Promise<FakeServer> {
  let rv = 100;
  const objects = new Map<string, Obj>(); 
  const watchers = new Set<{ kind: string; ns: string; res: http.ServerResponse }>();
  const requests: FakeServer['requests'] = [];
  let expire = false;

  // Objects are keyed "<gv>/<plural>/<ns>/<name>"; a path without a namespace lists them all.
  const parse = (pathname: string) => {
    const segs = pathname.split('/').filter(Boolean);
    const baseLen = segs[0] === 'api' ? 2 : 3;
    const gv = segs.slice(0, baseLen).join('/');
    let rest = segs.slice(baseLen);
    let ns = '';
    if (rest[0] === 'namespaces' && rest.length >= 3) {
      ns = rest[1]!;
      rest = rest.slice(2);
    }
    return { kind: `${gv}/${rest[0]}`, ns, name: rest[1], sub: rest[2] };
  };
  const inScope = (key: string, kind: string, ns: string) => key.startsWith(`${kind}/${ns ? ns + '/' : ''}`);
  const notify = (key: string, type: string, obj: Obj) => {
    for (const w of watchers) if (inScope(key, w.kind, w.ns)) w.res.write(JSON.stringify({ type, object: obj }) + '\n');
  };
  const put = (collection: string, obj: Obj) => {
    const p = parse(collection);
    const key = `${p.kind}/${p.ns}/${obj.metadata.name}`;
    const existed = objects.has(key);
    obj.metadata.resourceVersion = String(++rv);
    objects.set(key, obj);
    notify(key, existed ? 'MODIFIED' : 'ADDED', obj);
  };
  const del = (collection: string, name: string) => {
    const p = parse(collection);
    const key = `${p.kind}/${p.ns}/${name}`;
    const old = objects.get(key);
    if (!old) return;
    objects.delete(key);
    notify(key, 'DELETED', { ...old, metadata: { ...old.metadata, resourceVersion: String(++rv) } });
  };
  const status = (res: http.ServerResponse, code: number, reason: string, message: string) => {
    res.writeHead(code, { 'Content-Type': 'application/json' });
    res.end(JSON.stringify({ kind: 'Status', apiVersion: 'v1', metadata: {}, status: 'Failure', message, reason, code }));
  };

  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const body = Buffer.concat(chunks).toString('utf8');
      requests.push({ method: req.method!, url: req.url!, headers: req.headers, body });
      const u = new URL(req.url!, 'http://x');
      const { kind, ns, name, sub } = parse(u.pathname);
      const plural = kind.split('/').at(-1);
      if (plural && opts.unserved?.includes(plural)) return status(res, 404, 'NotFound', 'the server could not find the requested resource');
      if (req.method === 'GET' && !name && u.searchParams.get('watch') === 'true') {
        res.writeHead(200, { 'Content-Type': 'application/json', 'Transfer-Encoding': 'chunked' });
        if (expire) {
          expire = false;
          res.end(JSON.stringify({ type: 'ERROR', object: { kind: 'Status', code: 410, reason: 'Expired', message: 'too old resource version' } }) + '\n');
          return;
        }
        const w = { kind, ns, res };
        watchers.add(w);
        res.on('close', () => watchers.delete(w));
        return;
      }
      if (req.method === 'GET' && !name) {
        const items = [...objects.entries()].filter(([k]) => inScope(k, kind, ns)).map(([, v]) => v);
        res.writeHead(200, { 'Content-Type': 'application/json' });
        res.end(JSON.stringify({ kind: 'List', apiVersion: 'v1', metadata: { resourceVersion: String(rv) }, items }));
        return;
      }
      const key = `${kind}/${ns}/${name}`;
      const existing = objects.get(key);
      if (req.method === 'GET') {
        if (!existing) return status(res, 404, 'NotFound', `${plural} "${name}" not found`);
        res.writeHead(200, { 'Content-Type': 'application/json' });
        res.end(JSON.stringify(existing));
        return;
      }
      if (req.method === 'POST') {
        const obj = JSON.parse(body) as Obj;
        if (sub) {
          res.writeHead(201, { 'Content-Type': 'application/json' });
          res.end(JSON.stringify({ kind: 'Status', status: 'Success' }));
          return;
        }
        if (objects.has(`${kind}/${ns}/${obj.metadata.name}`)) return status(res, 409, 'AlreadyExists', `${plural} "${obj.metadata.name}" already exists`);
        put(u.pathname, obj);
        res.writeHead(201, { 'Content-Type': 'application/json' });
        res.end(JSON.stringify(obj));
        return;
      }
      if (!existing) return status(res, 404, 'NotFound', `${plural} "${name}" not found`);
      if (req.method === 'PUT') {
        const obj = JSON.parse(body) as Obj;
        if (obj.metadata.resourceVersion && obj.metadata.resourceVersion !== existing.metadata.resourceVersion) {
          return status(res, 409, 'Conflict', `Operation cannot be fulfilled on ${plural} "${name}": the object has been modified`);
        }
        put(u.pathname, obj);
        res.writeHead(200, { 'Content-Type': 'application/json' });
        res.end(JSON.stringify(obj));
        return;
      }
      if (req.method === 'PATCH') {
        const obj = mergePatch(existing, JSON.parse(body)) as Obj;
        put(u.pathname, obj);
        res.writeHead(200, { 'Content-Type': 'application/json' });
        res.end(JSON.stringify(obj));
        return;
      }
      if (req.method === 'DELETE') {
        del(u.pathname, name!);
        res.writeHead(200, { 'Content-Type': 'application/json' });
        res.end(JSON.stringify({ kind: 'Status', status: 'Success' }));
        return;
      }
      status(res, 405, 'MethodNotAllowed', 'method not allowed');
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const port = (server.address() as AddressInfo).port;
  return {
    url: `http://127.0.0.1:${port}`,
    requests,
    objects,
    expireNextWatch: () => (expire = true),
    endWatches: () => {
      for (const w of watchers) w.res.end();
      watchers.clear();
    },
    put,
    del,
    close: () =>
      new Promise<void>((r) => {
        for (const w of watchers) w.res.destroy();
        server.closeAllConnections();
        server.close(() => r());
      }),
  };
}
