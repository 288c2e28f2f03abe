// The proxy's public surface, for the CLI, the analyzer and the lead's cluster wiring.
export { startProxy, type Proxy, type StartProxyOptions } from './proxy.js';
export { planServiceRules, PlanCache, ANNOTATION_LAYOUT, type PlanInput } from './plan.js';
export { renderNft, objectsOf, type ExistingObjects } from './nft_render.js';
export { renderIptables } from './iptables_render.js';
export { applyNftPlan, applyNftPlan as applyPlan, applyIptablesPlan, cleanupIptables } from './apply.js';
export { traceServicePacket, type TracePacket, type TraceResult, type TraceVerdict } from './trace.js';
export { planLoadBalancerRoutes, applyLoadBalancerRoutes, lbRouteCommands, type LBNode, type LoadBalancerRoutePlan } from './lbroutes.js';
export { FAMILY, TABLE } from './names.js';
export type * from './types.js';
