// netpol's public surface: the per-node enforcer the daemon starts, and the pure engine the
// analyzer shares.
export { startNetpol, type Netpol, type StartNetpolOptions, type DropCounter } from './netpol.js';
export { planNodePolicy, type NodePolicyPlan, type NodePolicyInput, type ChainPlan, type AllowRule } from './enforcer.js';
export { renderNft, type RenderOptions } from './render.js';
export { applyNodePolicy, readCounters, bridgedRouting } from './apply.js';
export { decide, allows, peerMatches, portMatches, resolveEndpoint, type Decision, type SideDecision, type Endpoint, type RuleRef, type RuleMiss } from './engine.js';
export { buildWorld, selectingPolicies, findPod, type World, type WorldInput } from './world.js';
export { compilePolicy, describePeer, describePort, exceptOutside, type CompiledPolicy, type Rule, type Peer, type PortMatch } from './compile.js';
export { podView, namespaceView, type PodView, type NamespaceView, type Protocol, type Direction } from './model.js';
export { FAMILY, TABLE, BRIDGE_FAMILY, LOG_PREFIX } from './names.js';
