/* eslint-disable @typescript-eslint/no-explicit-any, @typescript-eslint/no-unsafe-member-access, @typescript-eslint/no-unsafe-assignment, @typescript-eslint/no-unsafe-argument --
   discovery walks live objects of many kinds field by field; every value read is checked before it lands in the plan,
   which the plan schema validates. */
import { UserError } from '../../errors.js';
import type { KubeObject } from '../../kube/kube-object.js';
import { PLAN_API_VERSION } from '../../plan/plan-schema.js';
import { BACKUP_PREFIX, WILDCARD_ROUTER } from './template-upgrade-facts.js';
import { TEMPLATE_UPGRADE_PLAN_KIND, TEMPLATE_UPGRADE_PROCEDURE, type TemplateUpgradePlanInput } from './template-upgrade-plan-schema.js';

/** What template discovery was given: the objects of the 3scale namespace, and the cluster-wide bindings. */
export interface TemplateDiscoveryInput {
  /** Namespace of 3scale. */
  readonly namespace: string;
  /**
   * Every object read: DeploymentConfigs, ImageStreams, Routes, Services, ConfigMaps, the `system-redis`
   * Secret (only its key names are kept), RoleBindings and ClusterRoleBindings (for the `view` role of
   * service discovery), and any APIManager (which means this is not a template install).
   */
  readonly objects: readonly KubeObject[];
  /** Name of the upgrade. @default the 3scale namespace */
  readonly name?: string;
  /** Where the objects came from, for messages (`cluster https://…`, a file name). */
  readonly sourceLabel: string;
}

/** The plan template discovery writes, and the facts it found that the plan has no field for. */
export interface TemplateDiscoveryResult {
  readonly plan: TemplateUpgradePlanInput;
  readonly notes: readonly string[];
}

/** The release this procedure upgrades from; `AMP_RELEASE` of system-app says which one is installed. */
const FROM_RELEASE = '2.5';

type Obj = KubeObject & Record<string, any>;
type Input = TemplateUpgradePlanInput['spec'];

/**
 * Builds a TemplateUpgradePlan from a 3scale 2.5 installed from the amp.yml template. Refuses, in one
 * sentence each: an operator install (APIManager), no DeploymentConfigs, no system-app, an install already
 * on 2.6 (zync-que, AMP_RELEASE 2.6) or on another release, an upgrade under way (its backups exist), no wildcard domain, no `system-redis` Secret.
 */
export function discoverTemplatePlan(input: TemplateDiscoveryInput): TemplateDiscoveryResult {
  const ns = input.namespace;
  const src = input.sourceLabel;
  const inNs = (kind: string) => input.objects.filter((o) => o.kind === kind && (o.metadata.namespace ?? ns) === ns) as Obj[];
  const byName = (kind: string, name: string) => inNs(kind).find((o) => o.metadata.name === name);
  const sorted = (kind: string) => inNs(kind).sort((a, b) => (a.metadata.name < b.metadata.name ? -1 : a.metadata.name > b.metadata.name ? 1 : 0));

  if (inNs('APIManager').length) {
    throw new UserError(`${src}: namespace ${ns} holds an APIManager, so 3scale there is an operator install; expected a 3scale 2.5 installed from the amp.yml template for --procedure ${TEMPLATE_UPGRADE_PROCEDURE}.`);
  }
  const dcs = sorted('DeploymentConfig');
  if (!dcs.length) {
    throw new UserError(`${src}: no DeploymentConfig in namespace ${ns}; expected a 3scale 2.5 installed from the amp.yml template there (is -n/--namespace right, and does the export include dc?).`);
  }
  const systemApp = byName('DeploymentConfig', 'system-app');
  if (!systemApp) {
    throw new UserError(`${src}: DeploymentConfig ${ns}/system-app is missing; expected the DeploymentConfigs of the 3scale 2.5 template (found ${names(dcs)}).`);
  }
  if (byName('DeploymentConfig', 'zync-que')) {
    throw new UserError(`${src}: DeploymentConfig ${ns}/zync-que exists, so 3scale there is already on 2.6; expected a 3scale ${FROM_RELEASE} install.`);
  }
  const backup = sorted('ConfigMap').find((o) => o.metadata.name.startsWith(`${BACKUP_PREFIX}-`));
  if (backup) {
    throw new UserError(
      `${src}: ConfigMap ${ns}/${backup.metadata.name} exists, so the upgrade of this install has started (its backup phase ran) and what is read now may be half upgraded; expected an install the upgrade has not touched: keep the plan discovered before the backup (or, after a complete rollback, delete the ${BACKUP_PREFIX}-* ConfigMaps and Secrets to discover again).`,
    );
  }
  const release = ampRelease(systemApp, byName('ConfigMap', 'system-environment'));
  if (release === undefined) {
    throw new UserError(`${src}: DeploymentConfig ${ns}/system-app has no AMP_RELEASE variable in its first container; expected the release of the 3scale ${FROM_RELEASE} template there.`);
  }
  if (release !== FROM_RELEASE) {
    throw new UserError(
      `${src}: AMP_RELEASE of DeploymentConfig ${ns}/system-app is "${release}"; expected "${FROM_RELEASE}" (${release.startsWith('2.6') ? 'this install is already on 2.6' : `upgrade to ${FROM_RELEASE} first`}).`,
    );
  }
  const wildcardDomain = byName('ConfigMap', 'system-environment')?.data?.THREESCALE_SUPERDOMAIN as string | undefined;
  if (!wildcardDomain) {
    throw new UserError(`${src}: ConfigMap ${ns}/system-environment has no THREESCALE_SUPERDOMAIN; expected the wildcard domain 3scale ${FROM_RELEASE} was deployed with there (does the export include configmap?).`);
  }
  const systemRedis = byName('Secret', 'system-redis');
  if (!systemRedis) {
    throw new UserError(`${src}: Secret ${ns}/system-redis is missing; expected it in the 3scale ${FROM_RELEASE} install (does the export include secret?), as the upgrade adds keys to it.`);
  }
  const appLabel = (byName('DeploymentConfig', 'backend-listener') ?? systemApp).metadata.labels?.app;
  if (!appLabel) {
    throw new UserError(`${src}: DeploymentConfig ${ns}/backend-listener carries no app label; expected the APP_LABEL of the 3scale ${FROM_RELEASE} template there.`);
  }

  const notes: string[] = [`3scale ${release} from the amp.yml template, ${dcs.length} DeploymentConfigs`];
  const systemAppRelease = plainEnvValue(systemApp, 'AMP_RELEASE');
  if (systemAppRelease === undefined) notes.push('AMP_RELEASE of system-app is not a plain value, so the images phase leaves it to you');
  const deploymentConfigs = dcs.map((dc) => deploymentConfigRecord(dc, dc === systemApp ? systemAppRelease : undefined));

  const imageStreams = sorted('ImageStream').map((is) => ({
    name: is.metadata.name,
    tags: ((is.spec?.tags ?? []) as Record<string, any>[])
      .filter((t) => t.from?.kind && t.from?.name)
      .map((t) => ({ name: String(t.name), fromKind: t.from.kind, fromName: String(t.from.name) })),
  }));
  const ampSystemTags = (byName('ImageStream', 'amp-system')?.spec?.tags ?? []) as Record<string, any>[];
  const importInsecure = ampSystemTags[0]?.importPolicy?.insecure === true;

  const routes = sorted('Route').map((r) => {
    const record: NonNullable<NonNullable<Input['routes']>['found']>[number] = { name: r.metadata.name };
    if (r.spec?.host) record.host = r.spec.host;
    if (r.spec?.wildcardPolicy === 'Subdomain') record.wildcardPolicy = 'Subdomain';
    if (r.spec?.tls?.certificate) record.customCertificate = true;
    return record;
  });
  const withCertificates = routes.filter((r) => r.customCertificate).map((r) => r.name);
  if (withCertificates.length) notes.push(`Routes with their own certificates: ${withCertificates.join(', ')} (copy them onto the routes Zync creates)`);

  const grantView = defaultHasView(input.objects, ns);
  if (grantView) notes.push(`ServiceAccount ${ns}/default has the cluster role view (service discovery), so amp gets it too`);

  const systemRedisSecretKeys = [...new Set([...Object.keys(systemRedis.data ?? {}), ...Object.keys(systemRedis.stringData ?? {})])].sort();
  const wildcardRouterService = byName('Service', WILDCARD_ROUTER) !== undefined;
  notes.push(`wildcard domain ${wildcardDomain}, ${imageStreams.length} ImageStreams, ${routes.length} Routes${wildcardRouterService ? ', the wildcard router' : ''}`);

  const plan: TemplateUpgradePlanInput = {
    apiVersion: PLAN_API_VERSION,
    kind: TEMPLATE_UPGRADE_PLAN_KIND,
    metadata: { name: input.name ?? ns },
    spec: {
      procedure: TEMPLATE_UPGRADE_PROCEDURE,
      threescale: { namespace: ns, appLabel, wildcardDomain, importInsecure, release },
      registry: { grantView },
      deploymentConfigs,
      imageStreams,
      systemRedisSecretKeys,
      wildcardRouterService,
      routes: { found: routes },
    },
  };
  return { plan, notes };
}

function names(objects: readonly KubeObject[]): string {
  const list = objects.map((o) => o.metadata.name);
  return list.length > 4 ? `${list.slice(0, 4).join(', ')}, …` : list.join(', ');
}

const envNames = (env: unknown): string[] => ((env ?? []) as { name: string }[]).map((e) => e.name);

function containerRecords(list: unknown): { name: string; env: string[] }[] {
  return ((list ?? []) as Record<string, any>[]).map((c) => ({ name: String(c.name), env: envNames(c.env) }));
}

/** `AMP_RELEASE` of system-app's first container: a plain value, or the ConfigMap key it reads. */
function ampRelease(systemApp: Obj, environment: Obj | undefined): string | undefined {
  const plain = plainEnvValue(systemApp, 'AMP_RELEASE');
  if (plain !== undefined) return plain;
  const first = systemApp.spec?.template?.spec?.containers?.[0];
  const ref = ((first?.env ?? []) as Record<string, any>[]).find((e) => e.name === 'AMP_RELEASE')?.valueFrom?.configMapKeyRef;
  if (ref?.name === 'system-environment') return environment?.data?.[ref.key] as string | undefined;
  return undefined;
}

function plainEnvValue(dc: Obj, name: string): string | undefined {
  const first = dc.spec?.template?.spec?.containers?.[0];
  const entry = ((first?.env ?? []) as Record<string, any>[]).find((e) => e.name === name);
  return typeof entry?.value === 'string' ? entry.value : undefined;
}

function deploymentConfigRecord(dc: Obj, systemAppRelease: string | undefined): Input['deploymentConfigs'][number] {
  const pod = dc.spec?.template?.spec ?? {};
  const record: Input['deploymentConfigs'][number] = { name: dc.metadata.name, containers: containerRecords(pod.containers) };
  // `serviceAccount` is the deprecated alias the API server still fills in; either names the account.
  const account = pod.serviceAccountName ?? pod.serviceAccount;
  if (account) record.serviceAccountName = account;
  if (pod.initContainers?.length) record.initContainers = containerRecords(pod.initContainers);
  const preHook = dc.spec?.strategy?.rollingParams?.pre?.execNewPod;
  if (preHook) record.preHookEnv = envNames(preHook.env);
  record.triggers = ((dc.spec?.triggers ?? []) as Record<string, any>[])
    .filter((t) => t.type === 'ConfigChange' || t.type === 'ImageChange')
    .map((t) => (t.type === 'ImageChange' ? { type: 'ImageChange' as const, from: String(t.imageChangeParams?.from?.name) } : { type: 'ConfigChange' as const }));
  if (systemAppRelease !== undefined) record.ampRelease = systemAppRelease;
  return record;
}

/**
 * Whether `default` of the namespace holds the cluster role `view` (what the vendor's service discovery
 * setup grants with `oc adm policy add-cluster-role-to-user view system:serviceaccount:<ns>:default`).
 */
function defaultHasView(objects: readonly KubeObject[], ns: string): boolean {
  return objects.some((o) => {
    if (o.kind !== 'ClusterRoleBinding' && !(o.kind === 'RoleBinding' && (o.metadata.namespace ?? ns) === ns)) return false;
    const b = o as Obj;
    if (b.roleRef?.kind !== 'ClusterRole' || b.roleRef?.name !== 'view') return false;
    return ((b.subjects ?? []) as Record<string, any>[]).some(
      (s) => (s.kind === 'ServiceAccount' && s.name === 'default' && s.namespace === ns) || (s.kind === 'User' && s.name === `system:serviceaccount:${ns}:default`),
    );
  });
}
