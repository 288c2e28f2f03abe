// Where flows meet: one ring per node (the last 4,095, like Hubble), an event stream for followers
// and the metrics. A connection crossing nodes is seen by both; both records are kept (each says its
// node) but metrics count it once, on the node it started from.
import { EventEmitter } from 'node:events';
import { DEFAULT_RING_CAPACITY, Ring } from './ring.js';
import { matchesFilter } from './filter.js';
import { flowMetrics, type FlowMetrics } from './metrics.js';
import type { Flow, FlowFilter } from './types.js';

export class FlowHub {
  readonly events = new EventEmitter();
  readonly metrics: FlowMetrics = flowMetrics();
  private readonly rings = new Map<string, Ring<Flow>>();

  constructor(private readonly capacity: number = DEFAULT_RING_CAPACITY) {
    // Every SSE client and follower adds a listener.
    this.events.setMaxListeners(0);
  }

  /** Adds a flow; `counted` false keeps it out of metrics (the second sighting of a cross-node flow). */
  add(flow: Flow, counted = true): void {
    let ring = this.rings.get(flow.node);
    if (!ring) this.rings.set(flow.node, (ring = new Ring<Flow>(this.capacity)));
    ring.push(flow);
    if (counted) this.metrics.record(flow);
    this.events.emit('flow', flow);
  }

  /** Flows matching the filter, oldest first across nodes; `limit` keeps the newest. */
  flows(filter: FlowFilter = {}): Flow[] {
    const all: Flow[] = [];
    for (const ring of this.rings.values()) for (const f of ring.toArray()) if (matchesFilter(f, filter)) all.push(f);
    all.sort((a, b) => (a.time < b.time ? -1 : a.time > b.time ? 1 : 0));
    return filter.limit && all.length > filter.limit ? all.slice(all.length - filter.limit) : all;
  }

  /** Calls `fn` for each new matching flow until the returned function is called. */
  follow(filter: FlowFilter, fn: (f: Flow) => void): () => void {
    const h = (f: Flow) => {
      if (matchesFilter(f, filter)) fn(f);
    };
    this.events.on('flow', h);
    return () => this.events.off('flow', h);
  }
}
