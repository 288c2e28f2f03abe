// Objects written through the HTTP API outlive the apiserver and its store: a second apiserver on
// the same SQLite file or etcd serves them unchanged and does not hand out a ClusterIP or NodePort
// that a stored Service already holds (the allocator is rebuilt from the store at start).
// Exported so storage/ can run it on each persistent backend.
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import type { Storage } from '../storage/types.js';
import { startApiServer, type ApiServer } from './server.js';

const TOKEN = 'restart-token';

async function call(api: ApiServer, method: string, path: string, body?: unknown): Promise<{ status: number; body: any }> {
  const res = await fetch(api.url + path, {
    method,
    headers: { authorization: `Bearer ${TOKEN}`, 'content-type': 'application/json' },
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  });
  return { status: res.status, body: await res.json() };
}

function service(name: string, type: 'ClusterIP' | 'NodePort'): unknown {
  return { metadata: { name }, spec: { type, selector: { app: name }, ports: [{ port: 80, targetPort: 8080 }] } };
}

/** `open` must return a store on the same data each time it is called (after the previous one is closed). */
export function restartSuite(label: string, open: () => Promise<Storage>): void {
  describe(`apiserver restart on ${label}`, () => {
    test('objects created over HTTP are all there after the apiserver and the store are reopened, and no ClusterIP or NodePort is handed out twice', async () => {
      let storage = await open();
      let api = await startApiServer({ storage, listen: { host: '127.0.0.1', port: 0 }, token: TOKEN });
      const before: Record<string, any> = {};
      try {
        assert.equal((await call(api, 'POST', '/api/v1/namespaces', { metadata: { name: 'kept' } })).status, 201);
        const cm = await call(api, 'POST', '/api/v1/namespaces/kept/configmaps', { metadata: { name: 'cfg' }, data: { a: '1' } });
        assert.equal(cm.status, 201);
        before.cm = cm.body;
        for (const [name, type] of [['a', 'ClusterIP'], ['b', 'NodePort'], ['c', 'NodePort']] as const) {
          const r = await call(api, 'POST', '/api/v1/namespaces/kept/services', service(name, type));
          assert.equal(r.status, 201, JSON.stringify(r.body));
          before[name] = r.body;
        }
      } finally {
        await api.close();
        await storage.close();
      }

      storage = await open();
      api = await startApiServer({ storage, listen: { host: '127.0.0.1', port: 0 }, token: TOKEN });
      try {
        const cm = await call(api, 'GET', '/api/v1/namespaces/kept/configmaps/cfg');
        assert.equal(cm.status, 200);
        assert.deepEqual(cm.body, before.cm);
        const list = await call(api, 'GET', '/api/v1/namespaces/kept/services');
        assert.deepEqual(list.body.items.map((s: any) => s.metadata.name), ['a', 'b', 'c']);
        for (const s of list.body.items) assert.deepEqual(s, before[s.metadata.name]);
        // A delete frees an address: the lowest-free-first allocator would hand it out again only
        // if it did not know about the others.
        assert.equal((await call(api, 'DELETE', '/api/v1/namespaces/kept/services/a')).status, 200);
        const takenIPs = new Set(['b', 'c'].map((n) => before[n].spec.clusterIP));
        const takenPorts = new Set(['b', 'c'].map((n) => before[n].spec.ports[0].nodePort));
        for (const name of ['d', 'e', 'f']) {
          const r = await call(api, 'POST', '/api/v1/namespaces/kept/services', service(name, 'NodePort'));
          assert.equal(r.status, 201, JSON.stringify(r.body));
          assert.ok(!takenIPs.has(r.body.spec.clusterIP), `ClusterIP ${r.body.spec.clusterIP} handed out twice`);
          assert.ok(!takenPorts.has(r.body.spec.ports[0].nodePort), `NodePort ${r.body.spec.ports[0].nodePort} handed out twice`);
          takenIPs.add(r.body.spec.clusterIP);
          takenPorts.add(r.body.spec.ports[0].nodePort);
        }
        const again = await call(api, 'POST', '/api/v1/namespaces/kept/services', { ...(service('g', 'ClusterIP') as object), spec: { clusterIP: before.b.spec.clusterIP, ports: [{ port: 80 }] } });
        assert.equal(again.status, 422);
      } finally {
        await api.close();
        await storage.close();
      }
    });
  });
}
