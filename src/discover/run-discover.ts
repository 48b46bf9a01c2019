import { renameSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { Document } from 'yaml';
import { UserError } from '../errors.js';
import type { KubeObject } from '../kube/kube-object.js';
import { parsePlan } from '../plan/load-plan.js';
import { TEMPLATE_UPGRADE_PROCEDURE } from '../plan/template-upgrade-plan-schema.js';
import { discoverPlan } from './discover-plan.js';
import { discoverTemplatePlan } from './discover-template-plan.js';

/** The procedure `discover` plans when --procedure is not given. */
const DEFAULT_PROCEDURE = 'externalize-on-cluster';

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
  /**
   * The procedure to plan: the 2.15 -> 2.16 externalization, or `template-2.5-to-2.6` for a 3scale 2.5
   * installed from templates. @default the externalization
   */
  readonly procedure?: string;
  /** Where to write the plan; `-` is stdout. */
  readonly out: string;
  /** Overwrite an existing plan file (otherwise refused). */
  readonly force?: boolean;
  readonly requestTimeoutMs?: number;
}

/** The kinds discovery reads: one LIST each in the 3scale namespace. */
const KINDS = [
  { apiVersion: 'apps.3scale.net/v1alpha1', kind: 'APIManager' },
  { apiVersion: 'apps/v1', kind: 'Deployment' },
  { apiVersion: 'v1', kind: 'PersistentVolumeClaim' },
  { apiVersion: 'v1', kind: 'ConfigMap' },
  { apiVersion: 'v1', kind: 'Service' },
  { apiVersion: 'v1', kind: 'ServiceAccount' },
] as const;

/** Reads the install, writes the plan (validated by the same loader synth uses), returns a summary line. */
export async function runDiscover(options: DiscoverOptions): Promise<string> {
  return writePlan(options, await discovered(options));
}

/** Reads the install and returns the plan's text (validated), writing nothing: `discover --fleet` writes it. */
export async function discoverPlanText(options: DiscoverOptions): Promise<string> {
  return planText(options, await discovered(options));
}

async function discovered(options: DiscoverOptions): Promise<Discovered> {
  if (options.procedure === TEMPLATE_UPGRADE_PROCEDURE) return discoverTemplate(options);
  if (options.procedure !== undefined && options.procedure !== DEFAULT_PROCEDURE) {
    throw new UserError(`--procedure: unknown procedure "${options.procedure}"; expected "${DEFAULT_PROCEDURE}" (the default) or "${TEMPLATE_UPGRADE_PROCEDURE}".`);
  }
  const { objects, namespace, sourceLabel } = options.fromFile ? await fromFile(options) : await fromCluster(options);
  const { plan, notes } = discoverPlan({
    namespace,
    objects,
    operatorNamespace: options.operatorNamespace,
    targetNamespace: options.targetNamespace,
    name: options.name,
    sourceLabel,
  });
  return { plan, notes, sourceLabel, review: 'target namespace, storage sizes and classes, resources' };
}

/** A discovered plan, where it came from, and what the header asks people to review. */
interface Discovered {
  readonly plan: object;
  readonly notes: readonly string[];
  readonly sourceLabel: string;
  readonly review: string;
}

function writePlan(options: DiscoverOptions, found: Discovered): string {
  const text = planText(options, found);
  if (options.out === '-') return text;
  writePlanFile(options.out, text, options.force === true);
  return `wrote ${options.out}: ${found.notes.join('; ')}\n`;
}

/** The plan file's text with its header, validated by the loader synth uses. */
function planText(options: DiscoverOptions, { plan, notes, sourceLabel, review }: Discovered): string {
  const doc = new Document(plan);
  doc.commentBefore = [
    ` Written by threescale-migrate discover from ${sourceLabel}.`,
    ` Review before use: ${review}. No secret is recorded.`,
    ...notes.map((n) => ` found: ${n}`),
  ].join('\n');
  const text = doc.toString({ lineWidth: 0 });
  parsePlan(text, options.out === '-' ? 'discovered plan' : options.out);
  return text;
}

/**
 * Writes the plan file: a new file only (an existing one may hold edits), unless `force`; then the new text
 * replaces it whole, through a temporary file beside it and a rename.
 */
export function writePlanFile(out: string, text: string, force: boolean): void {
  const temp = `${out}.threescale-migrate-${process.pid}.tmp`;
  try {
    if (force && !isFolder(out)) {
      writeFileSync(temp, text, { flag: 'wx' });
      renameSync(temp, out);
    } else {
      writeFileSync(out, text, { flag: 'wx' });
    }
  } catch (err) {
    rmSync(temp, { force: true });
    const code = (err as NodeJS.ErrnoException).code;
    if (code === 'EEXIST' && !isFolder(out)) {
      throw new UserError(`${out}: exists and may hold edits; expected a path that does not exist yet, or --force to overwrite it.`);
    }
    throw new UserError(`${out}: cannot write the plan (${code === 'EEXIST' ? 'EISDIR' : (code ?? 'error')}); expected a writable --out path.`);
  }
}

function isFolder(path: string): boolean {
  try {
    return statSync(path).isDirectory();
  } catch {
    return false;
  }
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
        : `${options.fromFile}: no APIManager found; expected an export of the 3scale namespace (oc get deployment,pvc,svc,configmap,serviceaccount,secret,apimanager,subscription -o yaml).`,
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

/** What a template install is read from: one LIST each in the 3scale namespace (the OpenShift kinds included). */
const TEMPLATE_KINDS = [
  { apiVersion: 'apps.openshift.io/v1', kind: 'DeploymentConfig' },
  { apiVersion: 'image.openshift.io/v1', kind: 'ImageStream' },
  { apiVersion: 'route.openshift.io/v1', kind: 'Route' },
  { apiVersion: 'v1', kind: 'Service' },
  { apiVersion: 'v1', kind: 'ConfigMap' },
  { apiVersion: 'rbac.authorization.k8s.io/v1', kind: 'RoleBinding' },
] as const;

async function discoverTemplate(options: DiscoverOptions): Promise<Discovered> {
  const { objects, namespace, sourceLabel } = options.fromFile ? await templateFromFile(options) : await templateFromCluster(options);
  const { plan, notes } = discoverTemplatePlan({ namespace, objects, name: options.name, sourceLabel });
  return { plan, notes, sourceLabel, review: 'routes.serviceDeploymentOptions and routes.accessTokenSecret (the services whose deployment option changes), images' };
}

async function templateFromFile(options: DiscoverOptions) {
  const { readExport } = await import('../live/export-file.js');
  const objects = await readExport(options.fromFile!);
  const namespaces = [...new Set(objects.filter((o) => o.kind === 'DeploymentConfig' && o.metadata.name === 'system-app').map((o) => o.metadata.namespace ?? ''))];
  const namespace = options.namespace ?? (namespaces.length === 1 ? namespaces[0]! : undefined);
  if (!namespace) {
    throw new UserError(
      namespaces.length
        ? `${options.fromFile}: DeploymentConfig system-app in several namespaces (${namespaces.join(', ')}); expected -n/--namespace to pick one.`
        : `${options.fromFile}: no DeploymentConfig system-app found; expected an export of the 3scale 2.5 namespace (oc get dc,is,route,svc,configmap,secret -o yaml).`,
    );
  }
  return { objects, namespace, sourceLabel: options.fromFile! };
}

async function templateFromCluster(options: DiscoverOptions) {
  const { LiveReader } = await import('../live/live-reader.js');
  const reader = LiveReader.fromKubeconfig({ kubeconfig: options.kubeconfig, context: options.context, namespace: options.namespace, timeoutMs: options.requestTimeoutMs });
  const namespace = reader.client.namespace;
  const objects: KubeObject[] = [];
  for (const outcome of await reader.listEach(TEMPLATE_KINDS.map((k) => ({ ...k, namespace })))) {
    // A cluster without the OpenShift APIs has none of their objects; discovery then says what it expected.
    if (outcome.ok) objects.push(...outcome.items);
    else if (outcome.error.kind !== 'missing-crd') throw outcome.error;
  }
  // Optional reads: an APIManager means an operator install (refused); the cluster-wide bindings tell
  // whether service discovery gave `default` the view role, which a namespace admin may not list.
  const [managers, clusterBindings] = await reader.listEach([
    { apiVersion: 'apps.3scale.net/v1alpha1', kind: 'APIManager', namespace },
    { apiVersion: 'rbac.authorization.k8s.io/v1', kind: 'ClusterRoleBinding' },
  ]);
  if (managers?.ok) objects.push(...managers.items);
  else if (managers && managers.error.kind !== 'missing-crd' && managers.error.kind !== 'not-found') throw managers.error;
  if (clusterBindings?.ok) objects.push(...clusterBindings.items);
  else if (clusterBindings && clusterBindings.error.kind !== 'forbidden') throw clusterBindings.error;
  // Only Secret system-redis is read, for the names of its keys; no value is kept.
  objects.push(...(await reader.listObjects([{ apiVersion: 'v1', kind: 'Secret', namespace }], { fieldSelector: 'metadata.name=system-redis' })));
  return { objects, namespace, sourceLabel: `cluster ${reader.client.server}` };
}
