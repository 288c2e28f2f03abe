// Load-balancing algorithm and weights from annotations. Which algorithms a mode can render is
// decided here too, so the plan says what it did instead of silently ignoring a request.
import { ALGORITHMS, type Algorithm, type ProxyMode } from './types.js';

export const ANNOTATION_ALGORITHM = 'podnet.dev/lb-algorithm';
export const ANNOTATION_WEIGHTS = 'podnet.dev/lb-weights';
export const ANNOTATION_POD_WEIGHT = 'podnet.dev/lb-weight';

const SUPPORTED: Record<ProxyMode, readonly Algorithm[]> = {
  nftables: ['random', 'rr', 'wrr', 'sh', 'dh'],
  iptables: ['random', 'rr', 'wrr'],
  userspace: ALGORITHMS,
};

export function isAlgorithm(v: string): v is Algorithm {
  return (ALGORITHMS as readonly string[]).includes(v);
}

/** The algorithm a Service asks for, and what the mode will actually do. */
export function chooseAlgorithm(
  annotation: string | undefined,
  fallback: Algorithm,
  mode: ProxyMode,
): { algorithm: Algorithm; warnings: string[] } {
  const warnings: string[] = [];
  let wanted = fallback;
  if (annotation !== undefined) {
    if (isAlgorithm(annotation)) wanted = annotation;
    else warnings.push(`unknown ${ANNOTATION_ALGORITHM} "${annotation}", using "${fallback}"`);
  }
  if (!SUPPORTED[mode].includes(wanted)) {
    warnings.push(`algorithm "${wanted}" needs mode userspace; ${mode} mode uses "random"`);
    return { algorithm: 'random', warnings };
  }
  return { algorithm: wanted, warnings };
}

/** Parses `"10.244.1.5=3,10.244.2.7=1"`; bad entries are reported and skipped. */
export function parseWeights(text: string | undefined): { weights: Map<string, number>; warnings: string[] } {
  const weights = new Map<string, number>();
  const warnings: string[] = [];
  if (!text) return { weights, warnings };
  for (const part of text.split(',')) {
    const item = part.trim();
    if (!item) continue;
    const m = /^([0-9.]+)=(\d{1,4})$/.exec(item);
    if (!m) {
      warnings.push(`bad ${ANNOTATION_WEIGHTS} entry "${item}"`);
      continue;
    }
    weights.set(m[1]!, Number(m[2]));
  }
  return { weights, warnings };
}

export function parseWeight(text: string | undefined): number | undefined {
  if (text === undefined || !/^\d{1,4}$/.test(text.trim())) return undefined;
  return Number(text.trim());
}
