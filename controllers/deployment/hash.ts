// pod-template-hash: a short stable hash of the pod template, so the same template always
// maps to the same ReplicaSet name (FNV-1a 32, in upstream's "safe" alphabet without vowels).
const ALPHABET = 'bcdfghjklmnpqrstvwxz2456789';

// A field set to null hashes like an absent one: upstream hashes the decoded struct, where both are
// the zero value (kubectl rollout undo sends the template back with `creationTimestamp: null`).
function stable(v: unknown): string {
  if (Array.isArray(v)) return `[${v.map(stable).join(',')}]`;
  if (v && typeof v === 'object') return `{${Object.keys(v).sort().filter((k) => (v as Record<string, unknown>)[k] != null).map((k) => `${JSON.stringify(k)}:${stable((v as Record<string, unknown>)[k])}`).join(',')}}`;
  return JSON.stringify(v);
}

export function templateHash(template: unknown): string {
  let h = 0x811c9dc5;
  const s = stable(template);
  for (let i = 0; i < s.length; i++) {
    h ^= s.charCodeAt(i);
    h = Math.imul(h, 0x01000193) >>> 0;
  }
  let out = '';
  let n = h;
  do {
    out += ALPHABET[n % ALPHABET.length];
    n = Math.floor(n / ALPHABET.length);
  } while (n > 0);
  return out;
}
