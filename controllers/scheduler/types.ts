import type { core } from '../../api/types.js';
export type { Node, Pod } from '../../api/types.js';
export type NodeSelectorRequirement = core.NodeSelectorRequirement;
export type NodeSelectorTerm = core.NodeSelectorTerm;
export type Taint = core.Taint;
export type Toleration = core.Toleration;
