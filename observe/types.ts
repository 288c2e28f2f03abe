// The flow record observe produces (shaped after Hubble's flow: who, to whom, through which Service,
// and what the data plane did with it) and the L7 records components push into the sink.

export type Verdict = 'forwarded' | 'dropped' | 'rejected';
export type FlowProtocol = 'TCP' | 'UDP' | 'SCTP' | 'ICMP' | 'DNS' | 'HTTP';

export interface FlowEndpoint {
  readonly ip: string;
  readonly port?: number;
  readonly pod?: string;
  readonly namespace?: string;
  readonly labels?: Readonly<Record<string, string>>;
  /** A node address, the apiserver's, or "world" for anything outside the cluster. */
  readonly identity?: string;
}

export interface FlowService {
  readonly namespace: string;
  readonly name: string;
  /** The address the client dialled before DNAT (ClusterIP, node IP for NodePort, LB IP). */
  readonly ip: string;
  readonly port: number;
}

export interface Flow {
  /** ISO-8601. */
  readonly time: string;
  readonly node: string;
  /** `new` when a connection starts (or is refused), `end` when it goes (with counters), `l7` for a sink record. */
  readonly event: 'new' | 'end' | 'l7';
  readonly src: FlowEndpoint;
  readonly dst: FlowEndpoint;
  readonly service?: FlowService;
  readonly protocol: FlowProtocol;
  readonly verdict: Verdict;
  /** For drops: the policy (ns/name) or the reason the kernel gave. */
  readonly policy?: string;
  readonly direction?: 'ingress' | 'egress';
  readonly reason?: string;
  readonly bytes?: number;
  readonly packets?: number;
  readonly durationMs?: number;
  readonly l7?: DnsRecord | HttpRecord;
}

export interface DnsRecord {
  readonly type: 'dns';
  readonly name: string;
  readonly qtype: string;
  readonly rcode: string;
  readonly latencyMs: number;
}

export interface HttpRecord {
  readonly type: 'http';
  readonly host: string;
  readonly path: string;
  readonly status: number;
  readonly latencyMs: number;
  readonly method?: string;
}

export interface FlowFilter {
  readonly namespace?: string;
  /** A pod name, or ns/name. Matches either end. */
  readonly pod?: string;
  /** A Service name, or ns/name. */
  readonly service?: string;
  readonly verdict?: Verdict;
  readonly protocol?: string;
  /** Only flows at or after this epoch millisecond. */
  readonly since?: number;
  readonly node?: string;
  readonly limit?: number;
}
