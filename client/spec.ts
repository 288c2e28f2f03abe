// Source specs on the command line: `file:P1,P2` reads manifests once, `kubeconfig` or
// `kubeconfig:PATH[#context]` watches a live cluster (podnet's own or a real one).
import { PodnetError } from '../api/errors.js';
import { fileSource } from './file.js';
import { loadKubeconfig } from './kubeconfig.js';
import { kubeSource } from './kubesource.js';
import { KubeClient } from './rest.js';
import type { ObjectSource } from './source.js';

export async function openSource(spec: string): Promise<{ source: ObjectSource; client?: KubeClient }> {
  if (spec.startsWith('file:')) {
    const paths = spec.slice('file:'.length).split(',').filter((p) => p !== '');
    if (paths.length === 0) throw new PodnetError('SOURCE_INVALID', `source: "${spec}" names no files`);
    return { source: fileSource(paths) };
  }
  if (spec === 'kubeconfig' || spec.startsWith('kubeconfig:')) {
    const rest = spec.slice('kubeconfig'.length).replace(/^:/, '');
    const [path, context] = rest.split('#');
    const client = new KubeClient(loadKubeconfig(path || undefined, context || undefined));
    return { source: kubeSource(client), client };
  }
  throw new PodnetError('SOURCE_INVALID', `source: unknown source "${spec}" (expected "file:PATH[,PATH…]", "kubeconfig" or "kubeconfig:PATH")`);
}
