import {
  databasesNamespace,
  installNamespaces,
  installRegistry,
  onClusterPostgresql,
  onClusterRedisRoles,
  operatorNamespace,
  ownsSystemStorage,
  plannedImages,
  plannedVolumes,
  routeHosts,
  runsDatabases,
  SYSTEM_STORAGE_PVC,
} from './fresh-install-facts.js';
import type { FreshInstallPlan } from './fresh-install-plan-schema.js';
import { POSTGRESQL_NAMES, redisNames } from '../../plan/plan-facts.js';
import { validateFreshInstallPlan } from './fresh-install-plan.js';
import type { PhaseDefinition, Procedure } from '../../phases/phase.js';

/**
 * A new self-hosted 3scale 2.16 install by the operator, with everything the ROSA field report had to fix by
 * hand decided up front: storage classes and access modes, image registry and architecture, resource
 * requests, and the external databases 2.16 requires from day one.
 *
 * Routes: none are rendered. With the operator (unlike the template the report used), zync creates the
 * Routes of the master, admin and developer portals, backend and both APIcast gateways from
 * `spec.wildcardDomain`, and the APIManager's Available condition waits for them; hand-made Routes for the
 * same hosts are what left zync's own with HostAlreadyClaimed in the report. So the tool checks that the
 * host names are free and leaves the Routes to zync.
 */

type Phase = PhaseDefinition<FreshInstallPlan>;

const ns = (plan: FreshInstallPlan) => plan.spec.threescale.namespace;

const preflight: Phase = {
  id: 'preflight',
  title: 'Create the namespaces; check from inside the cluster that the registry resolves and the images exist for the nodes',
  window: 'no-window',
  destructive: false,
  applies: () => true,
  describe: (plan) => {
    const out: string[] = [];
    if (plan.spec.operator.createNamespaces) out.push(`Namespace ${installNamespaces(plan).join(', ')}`);
    out.push(
      `Job check-images in ${ns(plan)}: ${installRegistry(plan)} resolves through the cluster's DNS, and ${plannedImages(plan).length} images of the plan have a manifest for linux/${plan.spec.images.architectures.join(', linux/')}`,
    );
    return out;
  },
  expects: (plan) => [
    '`threescale-migrate preflight -c <plan>` passed against the cluster: storage classes and access modes, nodes with room for the requests and of the planned architectures, Route hosts free',
    plan.spec.operator.createNamespaces ? 'permission to create namespaces' : `namespaces ${installNamespaces(plan).join(', ')} exist`,
  ],
  chart: () => import('../../../charts/fresh-install/preflight-chart.js'),
};

const operator: Phase = {
  id: 'operator',
  title: 'Install the 3scale operator from the threescale-2.16 channel',
  window: 'no-window',
  destructive: false,
  applies: () => true,
  describe: (plan) => {
    const o = plan.spec.operator;
    return [
      `OperatorGroup 3scale-operator in ${operatorNamespace(plan)}, targeting ${ns(plan)}`,
      `Subscription ${operatorNamespace(plan)}/${o.package}: package ${o.package} from ${o.sourceNamespace}/${o.source}, channel ${o.channel}, installPlanApproval ${o.installPlanApproval}${o.startingCSV ? `, startingCSV ${o.startingCSV}` : ''}`,
      ...(o.installPlanApproval === 'Manual' ? [`with Manual approval OLM waits: approve the InstallPlan in ${operatorNamespace(plan)} to install the operator`] : []),
    ];
  },
  expects: (plan) => [`the catalog source ${plan.spec.operator.sourceNamespace}/${plan.spec.operator.source} offers ${plan.spec.operator.package} on ${plan.spec.operator.channel}`, 'no other OperatorGroup in the operator namespace'],
  chart: () => import('../../../charts/fresh-install/operator-chart.js'),
  rollback: {
    title: 'remove the Subscription and the OperatorGroup (the installed CSV stays until deleted)',
    describe: (plan) => [
      `Job remove-operator deletes Subscription ${operatorNamespace(plan)}/${plan.spec.operator.package} and OperatorGroup 3scale-operator`,
      'OLM keeps the installed ClusterServiceVersion: delete it by hand to remove the operator itself',
    ],
    chart: () => import('../../../charts/fresh-install/operator-rollback-chart.js'),
  },
};

const databases: Phase = {
  id: 'databases',
  title: 'Run the external databases and create their connection Secrets in the cluster',
  window: 'no-window',
  destructive: false,
  applies: runsDatabases,
  describe: (plan) => {
    const out: string[] = [];
    const dbNs = databasesNamespace(plan);
    const secrets: string[] = [];
    if (onClusterPostgresql(plan)) {
      const n = POSTGRESQL_NAMES;
      out.push(`PostgreSQL 15 in ${dbNs}: Deployment ${n.deployment}, PVC ${n.pvc}, Service ${n.service}, ServiceAccount ${n.serviceAccount}`);
      secrets.push('system-database (DB_USER, a generated DB_PASSWORD, URL)');
    }
    for (const role of onClusterRedisRoles(plan)) {
      const n = redisNames(role);
      out.push(`Redis 7 for ${role} in ${dbNs}: Deployment ${n.deployment}, PVC ${n.pvc}, Service ${n.service}, ServiceAccount ${n.serviceAccount} (persistence mode)`);
      secrets.push(role === 'backend' ? 'backend-redis (REDIS_STORAGE_URL, REDIS_QUEUES_URL)' : 'system-redis (URL)');
    }
    out.push(`Job create-connection-secrets creates in ${ns(plan)}, only where missing: ${secrets.join(', ')}; credentials are generated in the cluster and never written to Git`);
    return out;
  },
  expects: (plan) => [
    `the storage classes ${[...new Set(plannedVolumes(plan).filter((v) => v.field.startsWith('spec.databases')).map((v) => v.storageClassName))].join(', ')} can provision the database volumes`,
    ...managedSecrets(plan).map((s) => `Secret ${ns(plan)}/${s} of the managed server exists (created by you or your secret operator)`),
  ],
  chart: () => import('../../../charts/fresh-install/databases-chart.js'),
  rollback: {
    title: 'delete the database servers (the connection Secrets stay)',
    describe: () => ['Job remove-databases deletes the Deployments, PVCs, Services and ServiceAccounts this phase created, so the data of a failed attempt goes with them'],
    chart: () => import('../../../charts/fresh-install/databases-rollback-chart.js'),
  },
};

const apiManager: Phase = {
  id: 'apimanager',
  title: 'Create the APIManager with every database external',
  window: 'no-window',
  destructive: false,
  applies: () => true,
  describe: (plan) => {
    const t = plan.spec.threescale;
    const fs = plan.spec.fileStorage;
    const out: string[] = [];
    if (ownsSystemStorage(plan)) out.push(`PVC ${SYSTEM_STORAGE_PVC} (${fs.kind === 'pvc' ? `${fs.accessMode}, ${fs.size}` : ''}) created before the APIManager, because the operator would ask for ReadWriteMany`);
    out.push(
      `APIManager ${t.apiManagerName} in ${t.namespace}: wildcardDomain ${t.wildcardDomain}, tenant ${t.tenantName}, resourceRequirementsEnabled ${t.resourceRequirementsEnabled}, externalComponents system.database, system.redis and backend.redis true, file storage ${fs.kind === 's3' ? `S3 (Secret ${fs.configurationSecretName}${fs.sts?.enabled ? ', STS' : ''})` : `PVC on ${fs.storageClassName ?? 'the default class'}`}`,
      `zync then creates the Routes: ${routeHosts(plan).map((r) => r.host).join(', ')}`,
    );
    if (fs.kind === 'pvc' && fs.accessMode === 'ReadWriteOnce') {
      out.push(`system-sidekiq scheduled on the node of system-app (spec.system.sidekiqSpec.affinity, required pod affinity by kubernetes.io/hostname): the ReadWriteOnce ${SYSTEM_STORAGE_PVC} attaches to one node and both mount it`);
    }
    return out;
  },
  expects: (plan) => [
    'the operator CSV is Succeeded',
    `Secrets system-database, system-redis and backend-redis exist in ${ns(plan)} (the operator stops at the first one missing)`,
    ...(plan.spec.fileStorage.kind === 's3' ? [`Secret ${ns(plan)}/${plan.spec.fileStorage.configurationSecretName} holds AWS_BUCKET and AWS_REGION (and the credentials, or AWS_ROLE_ARN with STS)`] : []),
  ],
  chart: () => import('../../../charts/fresh-install/apimanager-chart.js'),
  rollback: {
    title: 'delete the APIManager (the operator removes what it created; Secrets and databases stay)',
    describe: (plan) => [`Job remove-apimanager deletes APIManager ${plan.spec.threescale.apiManagerName}${ownsSystemStorage(plan) ? ` and PVC ${SYSTEM_STORAGE_PVC}` : ''}; Kubernetes garbage-collects the Deployments, Services and Routes it owns`],
    chart: () => import('../../../charts/fresh-install/apimanager-rollback-chart.js'),
  },
};

const verify: Phase = {
  id: 'verify',
  title: 'Check the databases answer where 3scale reads them (read-only)',
  window: 'no-window',
  destructive: false,
  applies: runsDatabases,
  describe: (plan) => {
    const out: string[] = [];
    if (onClusterPostgresql(plan)) out.push('Job verify-system-database: the accounts table 3scale created is readable');
    if (onClusterRedisRoles(plan).length) out.push(`Job verify-redis: ${onClusterRedisRoles(plan).map((r) => redisNames(r).deployment).join(' and ')} answer`);
    return out;
  },
  expects: (plan) => [`APIManager ${plan.spec.threescale.apiManagerName} reports Available (every Deployment available and the six Routes admitted)`],
  chart: () => import('../../../charts/fresh-install/verify-chart.js'),
};

/** The connection Secrets the user provides for servers managed elsewhere. */
export function managedSecrets(plan: FreshInstallPlan): string[] {
  const d = plan.spec.databases;
  return [...(d.system.kind === 'managed' ? ['system-database'] : []), ...(d.backendRedis.kind === 'managed' ? ['backend-redis'] : []), ...(d.systemRedis.kind === 'managed' ? ['system-redis'] : [])];
}

export const freshInstall: Procedure<FreshInstallPlan> = {
  id: 'fresh-install',
  planKind: 'FreshInstallPlan',
  runNoun: 'Install',
  title: 'a new self-hosted 3scale 2.16 install by the operator, with external databases from day one',
  source: 'Installing 3scale 2.16 with the operator, and the fixes of the ROSA field report',
  phases: [preflight, operator, databases, apiManager, verify],
  validatePlan: validateFreshInstallPlan,
  livePreflight: () => import('./fresh-install-preflight.js'),
};
