import type { WorkloadKind } from '../../../plan/plan-schema.js';
import type { LiveInstall } from '../live-install.js';

const METADATA_LABEL_KEYS = ['app', 'threescale_component', 'threescale_component_element'];
const POD_LABEL_KEYS = [...METADATA_LABEL_KEYS, 'com.company', 'rht.comp', 'rht.comp_ver', 'rht.prod_name', 'rht.prod_ver', 'rht.subcomp', 'rht.subcomp_t'];

/** The 3scale labels among `labels`, or undefined when there is none. */
function pick(labels: Record<string, string> | undefined, keys: readonly string[]): Record<string, string> | undefined {
  const found = Object.fromEntries(keys.filter((k) => labels?.[k] !== undefined).map((k) => [k, labels![k]!]));
  return Object.keys(found).length ? found : undefined;
}

/** Labels and the APIManager ownerReference found on each object the MySQL path detaches (`spec.systemDatabase.detach`). */
export function detachList(live: LiveInstall) {
  const targets: [kind: WorkloadKind | 'PersistentVolumeClaim' | 'ConfigMap' | 'Service' | 'ServiceAccount', name: string][] = [
    [live.workloadKind, 'system-mysql'],
    ['PersistentVolumeClaim', 'mysql-storage'],
    ['ConfigMap', 'mysql-extra-conf'],
    ['ConfigMap', 'mysql-main-conf'],
    ['Service', 'system-mysql'],
    ['ServiceAccount', 'amp'],
  ];
  const out = [];
  for (const [kind, name] of targets) {
    const o = live.byName(kind, name);
    if (!o) continue;
    const owners = (o.metadata.ownerReferences ?? []) as { kind?: string; name?: string }[];
    const ownerIndex = owners.findIndex((r) => r.kind === 'APIManager' && r.name === live.apiManager.metadata.name);
    const podLabels = kind === 'Deployment' || kind === 'DeploymentConfig' ? pick((o.spec as { template?: { metadata?: { labels?: Record<string, string> } } } | undefined)?.template?.metadata?.labels, POD_LABEL_KEYS) : undefined;
    const labels = pick(o.metadata.labels, METADATA_LABEL_KEYS);
    out.push({
      kind,
      name,
      ...(ownerIndex >= 0 ? { apiManagerOwnerIndex: ownerIndex } : {}),
      ...(labels ? { labels } : {}),
      ...(podLabels ? { podTemplateLabels: podLabels } : {}),
    });
  }
  return out;
}
