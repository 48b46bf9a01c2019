/* eslint-disable @typescript-eslint/no-explicit-any, @typescript-eslint/no-unsafe-member-access --
   discovery walks live objects of many kinds field by field; every value read is checked before it lands in the plan,
   which the plan schema validates. */
import { STATE_CONFIGMAP, stateReplicasKey } from '../../contract/on-cluster.js';
import { UserError } from '../../errors.js';
import { apiGroup, type KubeObject } from '../../kube/kube-object.js';
import { AUTOSCALABLE_DEPLOYMENTS, DEFAULT_OPERATOR_DEPLOYMENT, HPA_FLAGS, INTERNAL_DATABASE_DEPLOYMENTS, THREESCALE_DEPLOYMENTS } from '../../plan/deployments.js';
import { PLAN_API_VERSION, PLAN_KIND, type PlanInput, type WorkloadKind } from '../../plan/plan-schema.js';
import { REDIS_ROLES } from '../../plan/plan-facts.js';
import { discoverDatabase } from './database-movers/registry.js';
import type { LiveInstall } from './live-install.js';
import { discoverRedis } from './redis-movers/registry.js';

/** What discovery was given: the objects of the 3scale namespace (and the operator's, if different). */
export interface DiscoveryInput {
  /** Namespace of 3scale. */
  readonly namespace: string;
  /**
   * Every object read from it (Deployments, DeploymentConfigs, PVCs, ConfigMaps, Services, APIManagers, the
   * system-database Secret), and the OLM Subscriptions of the operator namespace.
   */
  readonly objects: readonly KubeObject[];
  /** Namespace of the operator when it is not the 3scale one. @default the 3scale namespace */
  readonly operatorNamespace?: string;
  /** Namespace for the new databases. @default `<namespace>-db` */
  readonly targetNamespace?: string;
  /** Name of the migration. @default the 3scale namespace */
  readonly name?: string;
  /** Where the objects came from, for messages (`cluster https://…`, a file name). */
  readonly sourceLabel: string;
}

/** The plan discovery writes, and the facts it found that the plan has no field for (written as comments). */
export interface DiscoveryResult {
  readonly plan: PlanInput;
  readonly notes: readonly string[];
}

/**
 * Builds a plan from a 3scale 2.15 install, or an older one whose components are DeploymentConfigs.
 * Refuses, in one sentence each: no APIManager, two APIManagers, Oracle, a namespace that mixes
 * Deployments and DeploymentConfigs of 3scale, a missing 3scale Deployment (or DeploymentConfig).
 */
export function discoverPlan(input: DiscoveryInput): DiscoveryResult {
  const ns = input.namespace;
  const inNs = (kind: string) => input.objects.filter((o) => o.kind === kind && (o.metadata.namespace ?? ns) === ns);
  const byName = (kind: string, name: string) => inNs(kind).find((o) => o.metadata.name === name);
  const notes: string[] = [];

  const managers = inNs('APIManager');
  if (managers.length === 0) throw new UserError(`${input.sourceLabel}: no APIManager in namespace ${ns}; expected the 3scale 2.15 install there (is -n/--namespace right?).`);
  if (managers.length > 1) {
    throw new UserError(`${input.sourceLabel}: namespace ${ns} holds ${managers.length} APIManagers (${managers.map((m) => m.metadata.name).join(', ')}); expected exactly one.`);
  }
  const apim = managers[0]!;
  const spec = (apim.spec ?? {}) as Record<string, any>;
  const version = apim.metadata.annotations?.['apps.3scale.net/apimanager-threescale-version'];
  if (version) notes.push(`3scale ${version}, operator ${apim.metadata.annotations?.['apps.3scale.net/threescale-operator-version'] ?? 'unknown'}`);

  const workloadKind = threescaleWorkloadKind(input);
  if (workloadKind === 'DeploymentConfig') notes.push('3scale runs as DeploymentConfigs (a release before 2.15): the upgrade to 2.16 needs the upgrade to 2.15 first, so no spec.upgrade is written');
  const release = workloadKind === 'DeploymentConfig' ? 'an install before 2.15' : 'a 2.15 install';

  const operatorNamespace = input.operatorNamespace ?? ns;
  const operator = input.objects.find((o) => o.kind === 'Deployment' && o.metadata.name === DEFAULT_OPERATOR_DEPLOYMENT && (o.metadata.namespace ?? ns) === operatorNamespace);
  if (!operator) {
    throw new UserError(`${input.sourceLabel}: Deployment ${operatorNamespace}/${DEFAULT_OPERATOR_DEPLOYMENT} is missing; expected the 3scale operator there (pass --operator-namespace when it runs in another namespace).`);
  }

  const replicas = capturedReplicas(input, workloadKind, byName('ConfigMap', STATE_CONFIGMAP), operator, notes);
  const autoscaled = AUTOSCALABLE_DEPLOYMENTS.filter((name) => spec[HPA_FLAGS[name][0]]?.[HPA_FLAGS[name][1]]?.hpa === true);
  if (autoscaled.length) notes.push(`left to their HorizontalPodAutoscaler after scale-up (APIManager hpa: true): ${autoscaled.join(', ')}`);

  // Each component's movers are asked whether the live state is theirs (Oracle is refused there).
  const live: LiveInstall = { sourceLabel: input.sourceLabel, namespace: ns, workloadKind, release, apiManager: apim, byName };
  const [database, backend, system] = [discoverDatabase(live), ...REDIS_ROLES.map((role) => discoverRedis(live, role))] as const;
  notes.push(database.note, backend!.note, system!.note);
  // 2.16 can only follow 2.15, so an install on DeploymentConfigs gets no upgrade section to enable.
  const upgrade = workloadKind === 'DeploymentConfig' ? undefined : discoverUpgrade(input, operatorNamespace, notes);

  const target = input.targetNamespace ?? `${ns}-db`.slice(0, 63);
  const plan: PlanInput = {
    apiVersion: PLAN_API_VERSION,
    kind: PLAN_KIND,
    metadata: { name: input.name ?? ns },
    spec: {
      procedure: 'externalize-on-cluster',
      threescale: {
        namespace: ns,
        apiManagerName: apim.metadata.name,
        ...(spec.appLabel && spec.appLabel !== '3scale-api-management' ? { appLabel: spec.appLabel as string } : {}),
        ...(version ? { version } : {}),
        ...(workloadKind === 'DeploymentConfig' ? { workloadKind } : {}),
      },
      operator: { namespace: operatorNamespace },
      targets: { namespace: target, createNamespace: target !== ns },
      systemDatabase: database.component,
      backendRedis: backend!.component,
      systemRedis: system!.component,
      replicas: replicas as PlanInput['spec']['replicas'],
      ...(autoscaled.length ? { autoscaled } : {}),
      ...(upgrade ? { upgrade } : {}),
    },
  };
  return { plan, notes };
}

/** OLM packages of the two operators whose Subscriptions the upgrade phase moves. */
const THREESCALE_PACKAGE = '3scale-operator';
const APICAST_PACKAGE = 'apicast-operator';

/**
 * `spec.upgrade` from the OLM Subscriptions of the operator namespace: each one's name, catalog source and
 * approval mode as they are live, so the upgrade phase changes the channel and nothing else. Written
 * disabled: turning the upgrade on is the user's decision, once every component is external. Without a
 * Subscription of the 3scale operator (OLM missing, or an operator installed another way) nothing is written.
 */
function discoverUpgrade(input: DiscoveryInput, operatorNamespace: string, notes: string[]): PlanInput['spec']['upgrade'] {
  const subscriptions = input.objects.filter((o) => o.kind === 'Subscription' && apiGroup(o.apiVersion) === 'operators.coreos.com' && (o.metadata.namespace ?? input.namespace) === operatorNamespace);
  const ofPackage = (pkg: string) =>
    subscriptions
      .filter((o) => (o.spec as { name?: string } | undefined)?.name === pkg)
      .sort((a, b) => (a.metadata.name < b.metadata.name ? -1 : a.metadata.name > b.metadata.name ? 1 : 0))[0];
  const threescale = ofPackage(THREESCALE_PACKAGE);
  if (!threescale) {
    notes.push(
      `no Subscription of package ${THREESCALE_PACKAGE} in namespace ${operatorNamespace}, so no spec.upgrade is written (the 2.16 upgrade phase cannot be enabled); if the operator is installed by OLM, read its namespace with --operator-namespace, or export the Subscription too (oc get subscription -o yaml)`,
    );
    return undefined;
  }
  const apicast = ofPackage(APICAST_PACKAGE);
  const record = (o: KubeObject) => {
    const spec = (o.spec ?? {}) as { channel?: string; source?: string; sourceNamespace?: string; installPlanApproval?: string };
    const status = (o.status ?? {}) as { currentCSV?: string; state?: string };
    const approval = spec.installPlanApproval === 'Manual' ? 'Manual' : 'Automatic';
    const unset = spec.installPlanApproval === undefined ? ' (unset live, which OLM treats as Automatic)' : '';
    notes.push(
      `Subscription ${operatorNamespace}/${o.metadata.name}: channel ${spec.channel ?? 'none (the package default)'}, current CSV ${status.currentCSV ?? 'unknown'}${status.state ? ` (${status.state})` : ''}, installPlanApproval ${approval}${unset}`,
    );
    return {
      name: o.metadata.name,
      ...(spec.source ? { source: spec.source } : {}),
      ...(spec.sourceNamespace ? { sourceNamespace: spec.sourceNamespace } : {}),
      installPlanApproval: approval as 'Automatic' | 'Manual',
    };
  };
  return { enabled: false, subscription: record(threescale), ...(apicast ? { apicast: record(apicast) } : {}) };
}

/** Names of the 3scale workloads whose kind tells the release apart: the twelve components and the internal databases. */
const THREESCALE_WORKLOAD_NAMES: ReadonlySet<string> = new Set([...THREESCALE_DEPLOYMENTS, ...Object.values(INTERNAL_DATABASE_DEPLOYMENTS)]);

/**
 * Whether 3scale runs as Deployments (2.15) or DeploymentConfigs (before 2.15). Only the 3scale workload
 * names count: the operator is an OLM Deployment in every release, and the new database servers a started
 * migration created are Deployments. A namespace holding both kinds under those names is half-way through
 * the 2.15 upgrade (or was changed by hand), and neither set of replica counts can be trusted.
 */
function threescaleWorkloadKind(input: DiscoveryInput): WorkloadKind {
  const ns = input.namespace;
  const named = (kind: string) =>
    input.objects
      .filter((o) => o.kind === kind && (o.metadata.namespace ?? ns) === ns && THREESCALE_WORKLOAD_NAMES.has(o.metadata.name))
      .map((o) => o.metadata.name)
      .sort();
  const dcs = named('DeploymentConfig');
  if (!dcs.length) return 'Deployment';
  const deployments = named('Deployment');
  if (deployments.length) {
    const list = (kind: string, names: string[]) => `${kind}${names.length > 1 ? 's' : ''} ${names.slice(0, 4).join(', ')}${names.length > 4 ? `, … (${names.length})` : ''}`;
    throw new UserError(
      `${input.sourceLabel}: namespace ${ns} runs 3scale both as ${list('DeploymentConfig', dcs)} and as ${list('Deployment', deployments)}; expected one kind (DeploymentConfigs before 2.15, Deployments from 2.15): finish or undo the upgrade to 2.15 first.`,
    );
  }
  return 'DeploymentConfig';
}

/**
 * The replica count of every 3scale Deployment (or DeploymentConfig: `spec.replicas` there too, as the
 * seed's `oc get dc … -o=jsonpath='{.spec.replicas}'` reads it). Once the migration has started (its state
 * ConfigMap exists) the counts recorded there win, because the live ones may already be 0. Without it, an
 * install whose operator is at 0 replicas looks scaled down: capturing its counts would bring 3scale back
 * at 0 after the migration, so discovery refuses.
 */
function capturedReplicas(input: DiscoveryInput, workloadKind: WorkloadKind, state: KubeObject | undefined, operator: KubeObject, notes: string[]): Record<string, number> {
  const ns = input.namespace;
  const replicas: Record<string, number> = {};
  if (state) {
    const data = (state.data ?? {}) as Record<string, string>;
    for (const name of THREESCALE_DEPLOYMENTS) {
      const value = data[stateReplicasKey(name)];
      if (value === undefined || !/^\d+$/.test(value)) {
        throw new UserError(`${input.sourceLabel}: ConfigMap ${ns}/${STATE_CONFIGMAP} has no valid replicas.${name}; expected the counts preflight recorded (delete the ConfigMap to capture the live counts again).`);
      }
      replicas[name] = Number(value);
    }
    notes.push(`replica counts from ConfigMap ${STATE_CONFIGMAP} (recorded before the scale-down)`);
    return replicas;
  }
  const operatorReplicas = (operator.spec as { replicas?: number } | undefined)?.replicas ?? 1;
  if (operatorReplicas === 0) {
    throw new UserError(
      `${input.sourceLabel}: Deployment ${operator.metadata.namespace ?? ns}/${operator.metadata.name} is at 0 replicas, so 3scale looks scaled down and its replica counts would be captured as they are now; expected a running install (scale the operator and 3scale back up first).`,
    );
  }
  for (const name of THREESCALE_DEPLOYMENTS) {
    const d = input.objects.find((o) => o.kind === workloadKind && o.metadata.name === name && (o.metadata.namespace ?? ns) === ns);
    if (!d) {
      const release = workloadKind === 'DeploymentConfig' ? 'an install before 2.15' : 'a 2.15 install';
      throw new UserError(`${input.sourceLabel}: ${workloadKind} ${ns}/${name} is missing; expected all 12 3scale ${workloadKind}s of ${release}.`);
    }
    replicas[name] = (d.spec as { replicas?: number } | undefined)?.replicas ?? 1;
  }
  return replicas;
}
