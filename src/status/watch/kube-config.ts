import { KubeConfig } from '@kubernetes/client-node';

/** The client-node configuration of the cluster flags: the kubeconfig file (or kubectl's default) and context. */
export function kubeConfigFor(options: { readonly kubeconfig?: string; readonly context?: string }): KubeConfig {
  const kc = new KubeConfig();
  if (options.kubeconfig) kc.loadFromFile(options.kubeconfig);
  else kc.loadFromDefault();
  if (options.context) kc.setCurrentContext(options.context);
  return kc;
}
