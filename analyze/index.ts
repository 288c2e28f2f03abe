// The analyzer's public surface: CLI command functions and the pure functions behind them.
export { reachCommand, explainCommand, verifyCommand, lintCommand, measureReach } from './commands.js';
export { verify, loadExpectations, toJUnit, type Expectation, type VerifyResult, type PeerSpec } from './verify.js';
export { lint, type Finding } from './lint.js';
export { computeReach, reachResults, formatReachTable, cellReason, type Reach, type ReachOptions, type ReachResult } from './reach.js';
export { explain, parseTarget, formatExplanation, type Explanation, type ExplainVerdict } from './explain.js';
export { collectObjects, objectsFromFiles, objectsFromSource, assignAddresses, type ClusterObjects } from './objects.js';
export type { AnalyzeIO } from './io.js';
