// The "who am I / may I" reviews kubectl asks for (`kubectl auth can-i`, `auth can-i --list`,
// `auth whoami`). podnet has one identity: whoever holds the cluster's token may do everything,
// so every access review is allowed and says why. The reviews are answered, never stored.
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { KubeObject } from '../api/types.js';
import { decodeObject, readBody } from './body.js';
import type { Deps } from './deps.js';
import { sendJSON } from './handler.js';
import { ApiError, toApiError } from './status.js';

/** The user the cluster token stands for (kubeadm's admin has the same groups). */
export const ADMIN_USER = { username: 'podnet-admin', groups: ['system:masters', 'system:authenticated'] };

const REASON = 'podnet: the cluster token may do everything (no RBAC)';

const REVIEWS: Record<string, { apiVersion: string; kind: string; status: () => Record<string, unknown> }> = {
  '/apis/authorization.k8s.io/v1/selfsubjectaccessreviews': {
    apiVersion: 'authorization.k8s.io/v1',
    kind: 'SelfSubjectAccessReview',
    status: () => ({ allowed: true, reason: REASON }),
  },
  '/apis/authorization.k8s.io/v1/selfsubjectrulesreviews': {
    apiVersion: 'authorization.k8s.io/v1',
    kind: 'SelfSubjectRulesReview',
    status: () => ({
      resourceRules: [{ verbs: ['*'], apiGroups: ['*'], resources: ['*'] }],
      nonResourceRules: [{ verbs: ['*'], nonResourceURLs: ['*'] }],
      incomplete: false,
    }),
  },
};
// kubectl before 1.28 asks the beta (1.27) or alpha (1.26) version of `auth whoami`'s review.
for (const v of ['v1', 'v1beta1', 'v1alpha1']) {
  REVIEWS[`/apis/authentication.k8s.io/${v}/selfsubjectreviews`] = {
    apiVersion: `authentication.k8s.io/${v}`,
    kind: 'SelfSubjectReview',
    status: () => ({ userInfo: ADMIN_USER }),
  };
}

/** True when `pathname` is one of the reviews this file answers. */
export function isReviewPath(pathname: string): boolean {
  return pathname in REVIEWS;
}

/** Answers a review: POST only, 201 with the request's spec and the status filled in. */
export async function handleReview(req: IncomingMessage, res: ServerResponse, pathname: string, deps: Deps): Promise<number> {
  const review = REVIEWS[pathname]!;
  if (req.method !== 'POST') throw new ApiError(405, 'MethodNotAllowed', `the server does not allow this method on the requested resource (${req.method})`);
  const body = await readBody(req);
  let spec: unknown = {};
  if (body.length > 0) {
    // A body podnet cannot decode (protobuf of a kind it has no schema for) still gets its answer:
    // the answer does not depend on what was asked.
    try {
      spec = (decodeObject(req, body, deps) as KubeObject & { spec?: unknown }).spec ?? {};
    } catch (err) {
      if (toApiError(err).httpStatus !== 415) throw err;
    }
  }
  sendJSON(res, 201, { kind: review.kind, apiVersion: review.apiVersion, metadata: { creationTimestamp: null }, spec, status: review.status() });
  return 201;
}
