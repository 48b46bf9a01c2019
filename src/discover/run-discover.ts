import { writeFileSync } from 'node:fs';
import { Document } from 'yaml';
import { UserError } from '../errors.js';
import type { KubeObject } from '../kube/kube-object.js';
import { parsePlan } from '../plan/load-plan.js';
import { discoverPlan } from './discover-plan.js';

/** Options of `discover`. */
export interface DiscoverOptions {
  /** Exported List file or folder; otherwise the cluster. */
  readonly fromFile?: string;
  readonly kubeconfig?: string;
  readonly context?: string;
  /** Namespace of 3scale (`-n`); default the context's. */
  readonly namespace?: string;
  readonly operatorNamespace?: string;
  readonly targetNamespace?: string;
  readonly name?: string;
  /** Where to write the plan; `-` is stdout. */
  readonly out: string;
  readonly requestTimeoutMs?: number;
}

/** The kinds discovery reads: one LIST each in the 3scale namespace. */
const KINDS = [
  { apiVersion: 'apps.3scale.net/v1alpha1', kind: 'APIManager' },
  { apiVersion: 'apps/v1', kind: 'Deployment' },
  { apiVersion: 'v1', kind: 'PersistentVolumeClaim' },
  { apiVersion: 'v1', kind: 'ConfigMap' },
  { apiVersion: 'v1', kind: 'Service' },
] as const;

/** Reads the install, writes the plan (validated by the same loader synth uses), returns a summary line. */
export async function runDiscover(options: DiscoverOptions): Promise<string> {
  const { objects, namespace, sourceLabel } = options.fromFile ? await fromFile(options) : await fromCluster(options);
  const { plan, notes } = discoverPlan({
    namespace,
    objects,
    operatorNamespace: options.operatorNamespace,
    targetNamespace: options.targetNamespace,
    name: options.name,
    sourceLabel,
  });
  const doc = new Document(plan);
  doc.commentBefore = [
    ` Written by threescale-migrate discover from ${sourceLabel}.`,
    ' Review before use: target namespace, storage sizes and classes, resources. No secret is recorded.',
    ...notes.map((n) => ` found: ${n}`),
  ].join('\n');
  const text = doc.toString({ lineWidth: 0 });
  parsePlan(text, options.out === '-' ? 'discovered plan' : options.out);
  if (options.out === '-') return text;
  try {
    writeFileSync(options.out, text);
  } catch (err) {
    throw new UserError(`${options.out}: cannot write the plan (${(err as NodeJS.ErrnoException).code ?? 'error'}); expected a writable -o/--out path.`);
  }
  return `wrote ${options.out}: ${notes.join('; ')}\n`;
}

async function fromFile(options: DiscoverOptions) {
  const { readExport } = await import('../live/export-file.js');
  const objects = await readExport(options.fromFile!);
  const namespaces = [...new Set(objects.filter((o) => o.kind === 'APIManager').map((o) => o.metadata.namespace ?? ''))];
  const namespace = options.namespace ?? (namespaces.length === 1 ? namespaces[0]! : undefined);
  if (!namespace) {
    throw new UserError(
      namespaces.length
        ? `${options.fromFile}: APIManagers in several namespaces (${namespaces.join(', ')}); expected -n/--namespace to pick one.`
        : `${options.fromFile}: no APIManager found; expected an export of the 3scale namespace (oc get deployment,pvc,svc,configmap,secret,apimanager,subscription -o yaml).`,
    );
  }
  return { objects, namespace, sourceLabel: options.fromFile! };
}

async function fromCluster(options: DiscoverOptions) {
  const { LiveReader } = await import('../live/live-reader.js');
  const reader = LiveReader.fromKubeconfig({ kubeconfig: options.kubeconfig, context: options.context, namespace: options.namespace, timeoutMs: options.requestTimeoutMs });
  const namespace = reader.client.namespace;
  const objects: KubeObject[] = [];
  const refs = KINDS.map((k) => ({ ...k, namespace }));
  if (options.operatorNamespace && options.operatorNamespace !== namespace) refs.push({ apiVersion: 'apps/v1', kind: 'Deployment', namespace: options.operatorNamespace });
  for (const outcome of await reader.listEach(refs)) {
    if (!outcome.ok) throw outcome.error;
    objects.push(...outcome.items);
  }
  // DeploymentConfigs exist only on OpenShift; a cluster without the API simply has none.
  const [dcs] = await reader.listEach([{ apiVersion: 'apps.openshift.io/v1', kind: 'DeploymentConfig', namespace }]);
  if (dcs?.ok) objects.push(...dcs.items);
  else if (dcs && dcs.error.kind !== 'missing-crd' && dcs.error.kind !== 'not-found') throw dcs.error;
  // The operator Subscriptions (spec.upgrade): OLM runs on OpenShift; a cluster without its API has none.
  const [subscriptions] = await reader.listEach([{ apiVersion: 'operators.coreos.com/v1alpha1', kind: 'Subscription', namespace: options.operatorNamespace ?? namespace }]);
  if (subscriptions?.ok) objects.push(...subscriptions.items);
  else if (subscriptions && subscriptions.error.kind !== 'missing-crd' && subscriptions.error.kind !== 'not-found') throw subscriptions.error;
  // Only the System database Secret is read, for the scheme of its URL (Oracle is refused); no value is kept.
  const secrets = await reader.listObjects([{ apiVersion: 'v1', kind: 'Secret', namespace }], { fieldSelector: 'metadata.name=system-database' });
  objects.push(...secrets);
  return { objects, namespace, sourceLabel: `cluster ${reader.client.server}` };
}
