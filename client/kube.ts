// The client's public face: the REST client and the informer source over it.
export { ApiError, KubeClient, isAlreadyExists, isConflict, isNotFound } from './rest.js';
export type { DeleteOptions, ListOptions, PatchType, WatchEventOf, WatchOptions } from './rest.js';
export { kubeSource } from './kubesource.js';
export type { KubeSourceOptions } from './kubesource.js';
export type { ClusterAccess } from './kubeconfig.js';
export { loadKubeconfig } from './kubeconfig.js';
