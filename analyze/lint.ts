// `lint`: policies and Services that probably do not do what their author meant.
import { cidrContainsCIDR, formatCIDR } from '../api/ip.js';
import { compileMapSelector, formatSelector, matches } from '../api/labels.js';
import type { CompiledPolicy, Peer, PortMatch, Rule } from '../netpol/compile.js';
import { describePeer, describePort, exceptOutside } from '../netpol/compile.js';
import { peerMatches } from '../netpol/engine.js';
import type { PodView } from '../netpol/model.js';
import { buildWorld, type World } from '../netpol/world.js';
import type { ClusterObjects } from './objects.js';

export interface Finding {
  readonly code: 'POLICY_INVALID' | 'POLICY_SELECTS_NOTHING' | 'PEER_MATCHES_NOTHING' | 'NAMED_PORT_UNDECLARED' | 'RULE_SHADOWED' | 'SERVICE_SELECTS_NOTHING' | 'EXCEPT_OUTSIDE_CIDR';
  /** "NetworkPolicy ns/name" or "Service ns/name". */
  readonly object: string;
  readonly message: string;
}

function selected(world: World, p: CompiledPolicy): PodView[] {
  return (world.podsByNamespace.get(p.namespace) ?? []).filter((pod) => !pod.hostNetwork && matches(p.podSelector, pod.labels));
}

function peerCovers(world: World, a: Peer, b: Peer, ns: string): boolean {
  if (a.kind === 'ipBlock' || b.kind === 'ipBlock') {
    if (a.kind !== 'ipBlock' || b.kind !== 'ipBlock') return false;
    // a covers b when b's block lies in a's and none of a's holes cut into b's remaining range.
    return (
      cidrContainsCIDR(a.cidr, b.cidr) &&
      a.except.every((e) => {
        const overlaps = cidrContainsCIDR(b.cidr, e) || cidrContainsCIDR(e, b.cidr);
        return !overlaps || b.except.some((be) => cidrContainsCIDR(be, e));
      })
    );
  }
  if (JSON.stringify(a) === JSON.stringify(b)) return true;
  const bs = world.pods.filter((p) => peerMatches(world, b, ns, { pod: p }));
  return bs.length > 0 && bs.every((p) => peerMatches(world, a, ns, { pod: p }));
}

function portCovers(a: PortMatch, b: PortMatch): boolean {
  if (a.protocol !== b.protocol) return false;
  if (a.kind === 'all') return true;
  if (a.kind === 'named' || b.kind === 'named') return a.kind === 'named' && b.kind === 'named' && a.name === b.name;
  return b.kind === 'range' && a.from <= b.from && a.to >= b.to;
}

/** Rule a allows at least everything rule b allows (for pods both policies select). */
function ruleCovers(world: World, a: Rule, b: Rule, ns: string): boolean {
  const peers = !a.peers || (!!b.peers && b.peers.every((bp) => a.peers!.some((ap) => peerCovers(world, ap, bp, ns))));
  const ports = !a.ports || (!!b.ports && b.ports.every((bp) => a.ports!.some((ap) => portCovers(ap, bp))));
  return peers && ports;
}

export function lint(objects: ClusterObjects): Finding[] {
  const world = buildWorld({ pods: objects.pods, namespaces: objects.namespaces, policies: objects.policies });
  const out: Finding[] = [];
  for (const bad of world.invalid) out.push({ code: 'POLICY_INVALID', object: `NetworkPolicy ${bad.key}`, message: bad.message });
  const selectedBy = new Map(world.policies.map((p) => [p.key, selected(world, p)]));
  for (const p of world.policies) {
    const obj = `NetworkPolicy ${p.key}`;
    const pods = selectedBy.get(p.key)!;
    if (pods.length === 0) out.push({ code: 'POLICY_SELECTS_NOTHING', object: obj, message: `podSelector "${formatSelector(p.podSelector) || '{}'}" selects no pod in namespace ${p.namespace}` });
    for (const [dir, rules] of [['ingress', p.ingress], ['egress', p.egress]] as const)
      for (const r of rules ?? []) {
        r.peers?.forEach((peer, j) => {
          const where = `${dir}[${r.index}] peer ${j}`;
          if (peer.kind === 'ipBlock') {
            for (const e of exceptOutside(peer)) out.push({ code: 'EXCEPT_OUTSIDE_CIDR', object: obj, message: `${where}: except ${formatCIDR(e)} is not inside ${formatCIDR(peer.cidr)}` });
          } else if (!world.pods.some((pod) => peerMatches(world, peer, p.namespace, { pod }))) {
            out.push({ code: 'PEER_MATCHES_NOTHING', object: obj, message: `${where} (${describePeer(peer, p.namespace)}) matches no pod` });
          }
        });
        for (const pm of r.ports ?? []) {
          if (pm.kind !== 'named') continue;
          // Ingress names resolve on the selected pods; egress names on any destination.
          const candidates = dir === 'ingress' ? pods : world.pods;
          if (!candidates.some((pod) => pod.ports.some((c) => c.name === pm.name && c.protocol === pm.protocol)))
            out.push({ code: 'NAMED_PORT_UNDECLARED', object: obj, message: `${dir}[${r.index}]: ${describePort(pm)} is declared by no ${dir === 'ingress' ? 'selected ' : ''}pod` });
        }
      }
  }
  // Shadowing: a rule adds nothing when another rule (same policy, or a policy selecting at least the same pods) allows all it allows.
  for (const p of world.policies) {
    const pods = selectedBy.get(p.key)!;
    if (pods.length === 0) continue;
    for (const dir of ['ingress', 'egress'] as const)
      for (const r of p[dir] ?? []) {
        for (const q of world.policiesByNamespace.get(p.namespace) ?? []) {
          const qPods = new Set(selectedBy.get(q.key)!);
          if (!pods.every((x) => qPods.has(x))) continue;
          const by = (q[dir] ?? []).find((qr) => !(q === p && qr.index === r.index) && ruleCovers(world, qr, r, p.namespace) && !(q === p && qr.index > r.index && ruleCovers(world, r, qr, p.namespace)) && !(q !== p && ruleCovers(world, r, qr, p.namespace) && q.key > p.key));
          if (by) {
            out.push({ code: 'RULE_SHADOWED', object: `NetworkPolicy ${p.key}`, message: `${dir}[${r.index}] allows nothing that ${q === p ? '' : `"${q.name}" `}${dir}[${by.index}] does not already allow` });
            break;
          }
        }
      }
  }
  for (const s of objects.services) {
    if (!s.spec?.selector || Object.keys(s.spec.selector).length === 0 || s.spec.type === 'ExternalName') continue;
    const ns = s.metadata?.namespace ?? 'default';
    const sel = compileMapSelector(s.spec.selector);
    if (!(world.podsByNamespace.get(ns) ?? []).some((pod) => matches(sel, pod.labels)))
      out.push({ code: 'SERVICE_SELECTS_NOTHING', object: `Service ${ns}/${s.metadata?.name ?? ''}`, message: `selector "${formatSelector(sel)}" matches no pod in namespace ${ns}` });
  }
  return out;
}
