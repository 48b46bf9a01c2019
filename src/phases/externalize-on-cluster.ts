import { mysqlDetachSteps } from '../patches/mysql-detach.js';
import { THREESCALE_DEPLOYMENTS } from '../plan/deployments.js';
import {
  mysqlKeptInPlace,
  needsWindow,
  POSTGRESQL_NAMES,
  postgresqlMove,
  postgresqlNamespace,
  REDIS_CONFIG_NAME,
  redisMoves,
  redisNames,
  redisNamespace,
  targetNamespaces,
  upgradeChannel,
  upgradeEnabled,
  upgradeSubscriptions,
} from '../plan/plan-facts.js';
import { CHANNEL_2_15, type Plan } from '../plan/plan-schema.js';
import type { PhaseDefinition, Procedure } from './phase.js';

/**
 * The 2.15 database externalization with on-cluster targets (seed chapter 3): PostgreSQL 10 → 15 on a new
 * server, MySQL kept in place and detached from the operator, backend and system Redis 6 → 7 on new
 * servers; then, when the plan enables it, the operator Subscriptions move to the 2.16 channel (chapters 1
 * and 2). Each phase renders only what the plan asks for.
 */

const ns = (plan: Plan) => plan.spec.threescale.namespace;
const op = (plan: Plan) => `${plan.spec.operator.namespace}/${plan.spec.operator.deploymentName}`;
const redisList = (plan: Plan) => redisMoves(plan).map((r) => redisNames(r).deployment).join(' and ');
/** Whether the plan creates new database servers (MySQL kept in place creates none and leaves nothing old behind). */
const createsServers = (plan: Plan) => postgresqlMove(plan) !== undefined || redisMoves(plan).length > 0;

const preflight: PhaseDefinition = {
  id: 'preflight',
  title: 'Record the plan and the captured replica counts in the cluster',
  window: 'before-window',
  destructive: false,
  applies: () => true,
  describe: (plan) => [
    `ConfigMap ${ns(plan)}/threescale-migrate-state records the plan digest and the replica count of the ${THREESCALE_DEPLOYMENTS.length} 3scale Deployments, so they outlive any workstation`,
  ],
  expects: (plan) => [
    `3scale 2.15 installed by the operator in namespace ${ns(plan)}, with one APIManager, ${plan.spec.threescale.apiManagerName}`,
    `the System database is ${plan.spec.systemDatabase.kind} (Oracle is refused)`,
  ],
  chart: () => import('../../charts/preflight-chart.js'),
};

const prepare: PhaseDefinition = {
  id: 'prepare',
  title: 'Create the new database servers next to the running 3scale',
  window: 'before-window',
  destructive: false,
  applies: createsServers,
  describe: (plan) => {
    const out: string[] = [];
    if (plan.spec.targets.createNamespace) out.push(`Namespace ${targetNamespaces(plan).join(', ')}`);
    const pg = postgresqlMove(plan);
    if (pg) {
      const n = POSTGRESQL_NAMES;
      out.push(`PostgreSQL 15 in ${postgresqlNamespace(plan, pg)}: Deployment ${n.deployment} (1 replica, empty), PVC ${n.pvc}, Service ${n.service}, ServiceAccount ${n.serviceAccount}`);
      if (postgresqlNamespace(plan, pg) !== ns(plan)) out.push(`Job copy-database-credentials copies DB_USER and DB_PASSWORD of system-database into ${postgresqlNamespace(plan, pg)}`);
    }
    for (const role of redisMoves(plan)) {
      const n = redisNames(role);
      out.push(`Redis 7 for ${role} in ${redisNamespace(plan, role)}: Deployment ${n.deployment} (0 replicas until its data is copied), PVC ${n.pvc}, Service ${n.service}, ServiceAccount ${n.serviceAccount}`);
    }
    if (redisMoves(plan).length) out.push(`ConfigMap ${REDIS_CONFIG_NAME} in restore mode (no snapshots, no AOF)`);
    return out;
  },
  expects: (plan) => [
    plan.spec.targets.createNamespace ? 'permission to create the target namespaces' : `namespaces ${targetNamespaces(plan).join(', ')} exist`,
    'the storage class can provision the new PVCs',
  ],
  chart: () => import('../../charts/prepare-chart.js'),
  rollback: {
    title: 'delete the new, still unused database servers',
    describe: () => ['Job remove-new-databases deletes the objects prepare created (the original databases are not touched)'],
    chart: () => import('../../charts/prepare-rollback-chart.js'),
  },
};

const scaleDown: PhaseDefinition = {
  id: 'scale-down',
  title: 'Stop the operator and 3scale, keep the old databases running',
  window: 'opens-window',
  destructive: false,
  applies: needsWindow,
  describe: (plan) => [
    `operator Deployment ${op(plan)} to 0 replicas`,
    `${THREESCALE_DEPLOYMENTS.join(', ')} to 0 replicas`,
  ],
  expects: () => ['the new servers of prepare are ready', 'the copy Jobs can reach the old database Services'],
  chart: () => import('../../charts/scale-down-chart.js'),
  rollback: {
    title: 'start 3scale and the operator again',
    describe: (plan) => ['the 3scale Deployments back to their captured replica counts', `operator ${op(plan)} back to 1 replica`],
    chart: () => import('../../charts/scale-up-chart.js'),
  },
};

const copyData: PhaseDefinition = {
  id: 'copy-data',
  title: 'Copy the data inside the cluster',
  window: 'in-window',
  destructive: false,
  applies: createsServers,
  describe: (plan) => {
    const out: string[] = [];
    if (postgresqlMove(plan)) out.push('Job copy-system-database streams pg_dump of system-postgresql into pg_restore on the new server');
    for (const role of redisMoves(plan)) out.push(`Job copy-${role}-redis fetches the RDB of ${redisNames(role).oldDeployment} into the volume of ${redisNames(role).deployment}`);
    return out;
  },
  expects: () => ['every 3scale Deployment is at 0 replicas and has no pods', 'the old databases are running'],
  chart: () => import('../../charts/copy-data-chart.js'),
};

const loadRedis: PhaseDefinition = {
  id: 'load-redis',
  title: 'Start the new Redis servers on the copied data and write their AOF',
  window: 'in-window',
  destructive: false,
  applies: (plan) => redisMoves(plan).length > 0,
  describe: (plan) => [
    `${redisList(plan)} to 1 replica (restore mode: loads dump.rdb)`,
    `the old ${redisMoves(plan).map((r) => redisNames(r).oldDeployment).join(' and ')} to 0 replicas`,
    'Job aof-rewrite-<role>-redis waits for the load, runs BGREWRITEAOF and waits for aof_rewrite_in_progress:0',
  ],
  expects: () => ['the copy Jobs recorded their evidence'],
  chart: () => import('../../charts/load-redis-chart.js'),
  rollback: {
    title: 'stop the new Redis servers and start the old ones',
    describe: (plan) => [`${redisList(plan)} to 0 replicas`, `the old Redis Deployments back to 1 replica`],
    chart: () => import('../../charts/load-redis-rollback-chart.js'),
  },
};

const persist: PhaseDefinition = {
  id: 'persist',
  title: 'Switch the new Redis servers to persistence mode',
  window: 'in-window',
  destructive: false,
  applies: (plan) => redisMoves(plan).length > 0,
  describe: () => [`ConfigMap ${REDIS_CONFIG_NAME} to persistence mode (save 900 1, save 300 10, save 60 10000, appendonly yes); the pods roll on the new configuration hash`],
  expects: () => ['the AOF rewrite Jobs recorded their evidence (aof_rewrite_in_progress:0)'],
  chart: () => import('../../charts/persist-chart.js'),
  rollback: {
    title: 'put the new Redis servers back in restore mode',
    describe: () => [`ConfigMap ${REDIS_CONFIG_NAME} back to restore mode`],
    chart: () => import('../../charts/persist-rollback-chart.js'),
  },
};

const cutover: PhaseDefinition = {
  id: 'cutover',
  title: 'Point 3scale at the new databases',
  window: 'in-window',
  destructive: false,
  applies: needsWindow,
  describe: (plan) => {
    const out: string[] = [];
    const secrets: string[] = [];
    if (postgresqlMove(plan)) secrets.push('system-database URL');
    if (redisMoves(plan).includes('backend')) secrets.push('backend-redis REDIS_STORAGE_URL (/0) and REDIS_QUEUES_URL (/1)');
    if (redisMoves(plan).includes('system')) secrets.push('system-redis URL (/1)');
    if (secrets.length) out.push(`Job rewrite-connection-secrets backs up, then rewrites ${secrets.join(', ')} from the existing credentials`);
    const flags: string[] = [];
    if (postgresqlMove(plan) || mysqlKeptInPlace(plan)) flags.push('system.database');
    if (redisMoves(plan).includes('backend')) flags.push('backend.redis');
    if (redisMoves(plan).includes('system')) flags.push('system.redis');
    out.push(`APIManager ${plan.spec.threescale.apiManagerName}: spec.externalComponents ${flags.join(', ')} true`);
    if (postgresqlMove(plan)) out.push(`the old ${POSTGRESQL_NAMES.oldDeployment} to 0 replicas`);
    if (mysqlKeptInPlace(plan)) {
      out.push('Job detach-system-mysql removes the APIManager ownerReference and the 3scale labels from system-mysql (and its pod template), mysql-storage, mysql-extra-conf, mysql-main-conf and Service system-mysql, each removal guarded by a JSON patch test');
    }
    return out;
  },
  expects: (plan) => [
    'the data phases are done (evidence recorded)',
    mysqlKeptInPlace(plan) ? 'the operator is at 0 replicas' : 'the new servers are ready',
  ],
  chart: () => import('../../charts/cutover-chart.js'),
  patches: mysqlDetachSteps,
  rollback: {
    title: 'point 3scale back at the old databases',
    describe: (plan) => {
      const out = ['Job restore-connection-secrets restores the connection Secrets from their in-cluster backups'];
      out.push('APIManager spec.externalComponents back to false' + (postgresqlMove(plan) ? ', spec.system.database.postgresql: {} put back' : ''));
      if (postgresqlMove(plan)) out.push(`the old ${POSTGRESQL_NAMES.oldDeployment} back to 1 replica`);
      if (mysqlKeptInPlace(plan)) out.push('the operator re-adds its ownerReference and labels to the MySQL objects once it runs');
      return out;
    },
    chart: () => import('../../charts/cutover-rollback-chart.js'),
  },
};

const scaleUp: PhaseDefinition = {
  id: 'scale-up',
  title: 'Start 3scale and the operator again',
  window: 'closes-window',
  destructive: false,
  applies: needsWindow,
  describe: (plan) => [
    `${THREESCALE_DEPLOYMENTS.map((d) => `${d}=${plan.spec.replicas[d]}`).join(', ')}`,
    `operator ${op(plan)} to 1 replica`,
  ],
  expects: () => ['the cut-over Jobs recorded their evidence', 'APIManager shows the components external'],
  chart: () => import('../../charts/scale-up-chart.js'),
  rollback: {
    title: 'stop 3scale again',
    describe: (plan) => [`operator ${op(plan)} and the 3scale Deployments to 0 replicas`],
    chart: () => import('../../charts/scale-down-chart.js'),
  },
};

const verify: PhaseDefinition = {
  id: 'verify',
  title: 'Check the data is where 3scale now reads it (read-only)',
  window: 'after-window',
  destructive: false,
  applies: needsWindow,
  describe: (plan) => {
    const out: string[] = [];
    if (postgresqlMove(plan) || mysqlKeptInPlace(plan)) out.push('Job verify-system-database: the accounts table is readable in the System database 3scale now uses');
    if (redisMoves(plan).length) out.push(`Job verify-redis: the liveness-probe key is present in ${redisList(plan)}`);
    return out;
  },
  expects: () => ['every 3scale Deployment is ready'],
  chart: () => import('../../charts/verify-chart.js'),
};

const operatorLabel = (operator: '3scale' | 'apicast') => (operator === '3scale' ? 'the 3scale operator' : 'the APIcast operator');

const upgrade: PhaseDefinition = {
  id: 'upgrade',
  title: 'Move the operator Subscription to the 3scale 2.16 channel (only with spec.upgrade.enabled)',
  window: 'after-window',
  destructive: false,
  applies: upgradeEnabled,
  describe: (plan) => {
    const out = upgradeSubscriptions(plan).map(
      (s) =>
        `Subscription ${s.namespace}/${s.name} of ${operatorLabel(s.operator)} (package ${s.package} from ${s.sourceNamespace}/${s.source}): spec.channel ${upgradeChannel(plan)}, installPlanApproval ${s.installPlanApproval ?? 'unset'} as found`,
    );
    const manual = upgradeSubscriptions(plan).filter((s) => s.installPlanApproval === 'Manual');
    if (manual.length) out.push(`with Manual approval OLM waits: approve the 2.16 InstallPlan of ${manual.map((s) => `${s.namespace}/${s.name}`).join(' and ')} to start the upgrade`);
    out.push(
      `the running 2.15 operator checks the 2.16 requirements (external databases, their server versions) before OLM installs 2.16; APIManager ${plan.spec.threescale.apiManagerName} shows the outcome in its Preflights condition and version annotations (diff prints them)`,
    );
    return out;
  },
  expects: (plan) => {
    const out = [
      'the System database, system Redis and backend Redis are all external (APIManager spec.externalComponents system.database, system.redis and backend.redis true): the 2.16 operator refuses to upgrade otherwise',
    ];
    out.push(needsWindow(plan) ? 'the verify phase is done (its Jobs recorded their evidence)' : 'nothing was moved by this plan: every component was already external');
    for (const s of upgradeSubscriptions(plan)) {
      out.push(
        `Subscription ${s.namespace}/${s.name} is on the latest CSV of ${CHANNEL_2_15} with no pending InstallPlan (its status.state is AtLatestKnown; with Manual approval, approve the pending InstallPlans first, as more can follow one another); diff does not check this yet`,
      );
    }
    return out;
  },
  chart: () => import('../../charts/upgrade-chart.js'),
  rollback: {
    title: `channel back to ${CHANNEL_2_15}, which only stops an upgrade still pending`,
    describe: (plan) => [
      ...upgradeSubscriptions(plan).map((s) => `Subscription ${s.namespace}/${s.name}: spec.channel back to ${CHANNEL_2_15}`),
      'OLM does not downgrade an installed CSV: this only stops an upgrade that is still pending (with Manual approval, an InstallPlan not approved yet)',
      'a completed 2.16 upgrade cannot be rolled back by channel: once the 2.16 CSV is installed, changing the channel back does not bring 2.15 back',
    ],
    chart: () => import('../../charts/upgrade-rollback-chart.js'),
  },
};

const cleanup: PhaseDefinition = {
  id: 'cleanup',
  title: 'Delete the old databases (only with spec.cleanup.enabled)',
  window: 'after-window',
  destructive: true,
  applies: (plan) => plan.spec.cleanup.enabled && createsServers(plan),
  describe: (plan) => {
    const out: string[] = [];
    if (postgresqlMove(plan)) out.push(`Deployment ${POSTGRESQL_NAMES.oldDeployment}, PVC postgresql-data, Service ${POSTGRESQL_NAMES.oldService}`);
    for (const role of redisMoves(plan)) out.push(`Deployment ${redisNames(role).oldDeployment}, PVC ${redisNames(role).oldDeployment}-storage`);
    if (redisMoves(plan).length === 2) out.push('ConfigMap redis-config');
    return [`Job delete-old-databases deletes, irreversibly: ${out.join('; ')}`];
  },
  expects: () => ['verify passed and the data was checked by people'],
  chart: () => import('../../charts/cleanup-chart.js'),
};

export const externalizeOnCluster: Procedure = {
  id: 'externalize-on-cluster',
  planKind: 'MigrationPlan',
  title: '3scale 2.15: move the System database and both Redis out of the operator, on the cluster, then optionally upgrade to 2.16',
  source: 'Migrating Red Hat 3scale API Management 2.16, chapter 3, and chapters 1 and 2 for the upgrade',
  phases: [preflight, prepare, scaleDown, copyData, loadRedis, persist, cutover, scaleUp, verify, upgrade, cleanup],
};
