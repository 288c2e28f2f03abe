// The fake internet's names and addresses (TEST-NET ranges only) and the pure DNS answer logic of
// its upstream DNS server: A/AAAA/CNAME from a small zone, NXDOMAIN for everything else.

export const INTERNET = {
  /** The underlay side of the link to the internet router, and the router's side. */
  underlayLinkIP: '198.51.100.1',
  routerLinkIP: '198.51.100.2',
  linkPrefix: 24,
  routerIP: '203.0.113.1',
  httpIP: '203.0.113.10',
  apiIP: '203.0.113.20',
  dnsIP: '203.0.113.53',
  docIP: '192.0.2.1',
  /** Ranges the nodes route (and masquerade pods) towards the internet. */
  ranges: ['192.0.2.0/24', '198.51.100.0/24', '203.0.113.0/24'],
} as const;

export type RecordType = 'A' | 'AAAA' | 'CNAME';

export interface ZoneRecord {
  readonly name: string;
  readonly type: RecordType;
  readonly ttl: number;
  readonly data: string;
}

/** The zone, in zone-file spirit: name, TTL, type, data. */
export const ZONE: readonly ZoneRecord[] = [
  { name: 'example.com', type: 'A', ttl: 300, data: INTERNET.httpIP },
  { name: 'example.com', type: 'AAAA', ttl: 300, data: '2001:db8::10' },
  { name: 'www.example.com', type: 'CNAME', ttl: 300, data: 'example.com' },
  { name: 'api.example.org', type: 'A', ttl: 60, data: INTERNET.apiIP },
  { name: 'docs.example.net', type: 'A', ttl: 300, data: INTERNET.docIP },
  { name: 'dns.example.net', type: 'A', ttl: 300, data: INTERNET.dnsIP },
];

/** Names that resolve to an IPv4 address, and that address (CNAMEs followed). */
export function zoneNames(zone: readonly ZoneRecord[] = ZONE): Record<string, string> {
  const out: Record<string, string> = {};
  for (const name of new Set(zone.map((r) => r.name))) {
    const a = answer(zone, name, 'A');
    const last = a.records.findLast((r) => r.type === 'A');
    if (last) out[name] = last.data;
  }
  return out;
}

export interface Answer {
  readonly rcode: 'NOERROR' | 'NXDOMAIN';
  readonly records: readonly ZoneRecord[];
}

const norm = (n: string) => n.toLowerCase().replace(/\.$/, '');

/** Answers one question: follows CNAMEs (at most 8), NXDOMAIN when the name has no records. */
export function answer(zone: readonly ZoneRecord[], qname: string, qtype: string): Answer {
  const records: ZoneRecord[] = [];
  let name = norm(qname);
  for (let hops = 0; hops < 8; hops++) {
    const here = zone.filter((r) => r.name === name);
    if (here.length === 0) return { rcode: records.length ? 'NOERROR' : 'NXDOMAIN', records };
    const cname = here.find((r) => r.type === 'CNAME');
    if (cname && qtype !== 'CNAME') {
      records.push(cname);
      name = norm(cname.data);
      continue;
    }
    records.push(...here.filter((r) => r.type === qtype));
    return { rcode: 'NOERROR', records };
  }
  return { rcode: 'NOERROR', records };
}
