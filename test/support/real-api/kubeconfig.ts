/** Kubeconfig files for a test API server: one cluster, one user (a bearer token), one context. */
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { stringify } from 'yaml';

/** What a kubeconfig names. */
export interface KubeconfigSpec {
  readonly url: string;
  readonly caPem: string;
  readonly token: string;
  readonly namespace?: string;
}

/** The kubeconfig document (YAML). */
export function kubeconfigYaml(spec: KubeconfigSpec): string {
  return stringify({
    apiVersion: 'v1',
    kind: 'Config',
    clusters: [{ name: 'envtest', cluster: { server: spec.url, 'certificate-authority-data': Buffer.from(spec.caPem).toString('base64') } }],
    users: [{ name: 'envtest-user', user: { token: spec.token } }],
    contexts: [{ name: 'envtest', context: { cluster: 'envtest', user: 'envtest-user', ...(spec.namespace ? { namespace: spec.namespace } : {}) } }],
    'current-context': 'envtest',
  });
}

let written = 0;

/** Writes a kubeconfig into `dir` (owner-only: it holds a token) and returns its path. */
export async function writeKubeconfig(dir: string, spec: KubeconfigSpec): Promise<string> {
  const path = join(dir, `kubeconfig-${process.pid}-${++written}.yaml`);
  await writeFile(path, kubeconfigYaml(spec), { mode: 0o600 });
  return path;
}
