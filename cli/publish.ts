// Publishes LoadBalancer Services on 127.0.0.1 so a browser on the host can open them: one host
// port per LB port (the LB port + 8000 when free, e.g. 80 → 8080, else any free port), recorded in
// the Service's `podnet.dev/published` annotation and in `podnet status`.
import type { KubeObject, Service } from '../api/types.js';
import { R } from '../client/source.js';
import { listenHostTcp, type HostListener } from '../host/relay.js';
import type { ControlPlane } from './controlplane.js';
import type { Stoppable } from './daemon.js';
import { coalesced } from './coalesce.js';
import { errorMessage } from '../api/errors.js';

export const PUBLISHED_ANNOTATION = 'podnet.dev/published';

export interface Published {
  readonly service: string;
  readonly port: number;
  readonly url: string;
}

export async function startPublisher(cp: ControlPlane, underlayNetns: string, onChange: (published: Published[]) => void = () => {}): Promise<Stoppable & { published(): Published[] }> {
  const services = cp.source.informer<Service & KubeObject>(R.services);
  const listeners = new Map<string, { listener: HostListener; lbIP: string; published: Published }>();

  const sync = async () => {
    const wanted = new Map<string, { svc: Service; ip: string; port: number; protocol: string }>();
    for (const svc of services.list()) {
      if (svc.spec?.type !== 'LoadBalancer') continue;
      const ip = svc.status?.loadBalancer?.ingress?.find((i) => i.ip)?.ip;
      if (!ip) continue;
      for (const p of svc.spec.ports ?? []) {
        if ((p.protocol ?? 'TCP') !== 'TCP') continue;
        wanted.set(`${svc.metadata!.namespace}/${svc.metadata!.name}:${p.port}`, { svc, ip, port: p.port, protocol: 'TCP' });
      }
    }
    for (const [key, l] of listeners) {
      const w = wanted.get(key);
      if (!w || w.ip !== l.lbIP) {
        await l.listener.close();
        listeners.delete(key);
      }
    }
    const touched = new Set<Service>();
    for (const [key, w] of wanted) {
      if (listeners.has(key)) continue;
      let listener: HostListener;
      try {
        listener = await listenHostTcp({ netns: underlayNetns, ip: w.ip, targetPort: w.port, port: w.port + 8000 <= 65535 ? w.port + 8000 : 0 });
      } catch {
        listener = await listenHostTcp({ netns: underlayNetns, ip: w.ip, targetPort: w.port, port: 0 });
      }
      const scheme = w.port === 443 ? 'https' : 'http';
      const published = { service: key.replace(/:\d+$/, ''), port: listener.port, url: `${scheme}://127.0.0.1:${listener.port}` };
      listeners.set(key, { listener, lbIP: w.ip, published });
      touched.add(w.svc);
    }
    onChange([...listeners.values()].map((l) => l.published));
    for (const svc of touched) {
      const value = [...listeners.entries()]
        .filter(([k]) => k.startsWith(`${svc.metadata!.namespace}/${svc.metadata!.name}:`))
        .map(([k, l]) => `${k.split(':').pop()}=127.0.0.1:${l.listener.port}`)
        .join(',');
      if (svc.metadata?.annotations?.[PUBLISHED_ANNOTATION] !== value) {
        await cp.client.patch(R.services, svc.metadata!.namespace, svc.metadata!.name!, { metadata: { annotations: { [PUBLISHED_ANNOTATION]: value } } }, 'merge').catch(() => {});
      }
    }
  };
  const runner = coalesced(sync, (err) => process.stdout.write(`publisher: ${errorMessage(err)}\n`));
  const off = services.onChange(() => runner.kick());
  runner.kick();
  await runner.idle();
  return {
    name: 'publisher',
    published: () => [...listeners.values()].map((l) => l.published),
    async stop() {
      off();
      for (const l of listeners.values()) await l.listener.close();
    },
  };
}
