/**
 * What a GitOps engine does with a phase folder, done with the server's own kubectl: a forced server-side
 * apply of the kustomization under the engine's field manager (`argocd-controller`, `kustomize-controller`).
 */
import { runKubectl, type KubectlResult } from './run-kubectl.js';
import type { RealApiServer } from './real-api-server.js';

/** `kubectl apply --server-side --force-conflicts --field-manager=<fieldManager> -k <folder>`; throws when kubectl fails. */
export async function applyFolder(server: RealApiServer, folder: string, fieldManager: string, kubeconfig?: string): Promise<KubectlResult> {
  const result = await runKubectl(server.kubectl, kubeconfig ?? (await server.kubeconfig()), ['apply', '--server-side', '--force-conflicts', `--field-manager=${fieldManager}`, '-k', folder]);
  if (result.code !== 0) throw new Error(`kubectl apply -k ${folder} as ${fieldManager} failed (exit ${result.code}): ${result.stderr.trim()}`);
  return result;
}
