import type { MigrationPlan } from '../../plan/plan-schema.js';
import { BACKUP_SUFFIX, STATE_CONFIGMAP } from '../../contract/on-cluster.js';
import { databaseHasWork, databaseJobs, databasePatches, databaseWords } from './database-movers/registry.js';
import { autoscaledDeployments, RESTART_AUTOSCALED_JOB, START_AUTOSCALED_JOB } from './autoscaled-start.js';
import { THREESCALE_DEPLOYMENTS } from '../../plan/deployments.js';
import {
  credentialCopies,
  managedSystemDatabase,
  managedTargets,
  mysqlKeptInPlace,
  postgresqlMove,
  rdbExports,
  redisMoves,
  targetNamespaces,
  threescaleWorkload,
  upgradeChannel,
  upgradeEnabled,
  upgradeSubscriptions,
} from '../../plan/plan-facts.js';
import { CHANNEL_2_15, type Plan } from '../../plan/plan-schema.js';
import { redisHasWork, redisLivenessChecks, redisWords } from './redis-movers/registry.js';
import { cutoverSwitches, externalFlagsOf, needsWindow, retiredByCleanup, SWITCH_SLOTS, switchesIn } from './cutover-switches.js';
import type { SwitchOver } from './switch-over.js';
import { CHECK_QUEUES_JOB, QUEUE_CHECK_REPORT } from './queue-check.js';
import { type VersionCheckStage, versionCheckJobs } from './version-check-plan.js';
import { SUPPORTED_OPENSHIFT_TEXT, versionRequirements } from './version-requirements.js';
import { validateMigrationPlan } from './migration-plan.js';
import { migrationReport, refuseUpgradeWithInternalComponents, withVersionRequirements } from './externalize-on-cluster-hooks.js';
import type { PhaseDefinition, Procedure } from '../../phases/phase.js';

/**
 * The 2.15 database externalization with on-cluster targets (seed chapter 3): PostgreSQL 10 → 15 on a new
 * server, MySQL kept in place and detached from the operator, backend and system Redis 6 → 7 on new
 * servers; or, per component, onto existing managed servers (chapters 4 to 6: RDS, ElastiCache); then,
 * when the plan enables it, the operator Subscriptions move to the 2.16 channel (chapters 1 and 2). Each
 * phase renders only what the plan asks for.
 */

const ns = (plan: Plan) => plan.spec.threescale.namespace;
const op = (plan: Plan) => `${plan.spec.operator.namespace}/${plan.spec.operator.deploymentName}`;
/** `Deployment`, or `DeploymentConfig` for an install before 2.15: what the 3scale components run as. */
const workload = (plan: Plan) => threescaleWorkload(plan).kind;
/** Prefix naming the kind of the listed 3scale workloads, only where it is not the 2.15 default. */
const dcPrefix = (plan: Plan) => (workload(plan) === 'DeploymentConfig' ? 'DeploymentConfigs ' : '');

/** Whether the plan creates new database servers (MySQL kept in place creates none and leaves nothing old behind). */
const createsServers = (plan: Plan) => postgresqlMove(plan) !== undefined || redisMoves(plan).length > 0;
/** Whether the plan moves a component to an existing managed server. */
const hasManaged = (plan: Plan) => managedTargets(plan).length > 0;
/** Whether copy-data has work: some mover (the System database's, a Redis one) has work there. */
const copiesData = (plan: Plan) => databaseJobs(plan, 'copy-data').length > 0 || redisHasWork(plan, 'copy-data');
const targetList = (plan: Plan) => managedTargets(plan).map((t) => `${t.name} (${t.kind} ${t.host}:${t.port})`).join(', ');

/** One line per version-check Job of a stage: what it asks and what fails it. */
const versionCheckLines = (plan: Plan, stage: VersionCheckStage) => {
  const r = versionRequirements(plan.spec.preflight.versionRequirements);
  const needed = `PostgreSQL ${r.minimum.postgresql}, MySQL ${r.minimum.mysql}, Redis ${r.minimum.redis} (${r.policy} requirements)`;
  return versionCheckJobs(plan, stage).map((j) => {
    const gated = j.servers.filter((s) => !j.recordOnly.includes(s));
    const outcome = gated.length ? `fails when ${gated.join(', ')} is below ${needed}` : `records them against ${needed} without failing`;
    return `Job ${j.name} asks ${j.servers.join(', ')} for their version through the connection Secrets (read-only) and ${outcome}`;
  });
};

const preflight: PhaseDefinition<MigrationPlan> = {
  id: 'preflight',
  title: 'Record the plan and the replica counts, ask the databases for their versions',
  window: 'before-window',
  destructive: false,
  applies: () => true,
  describe: (plan) => [
    `ConfigMap ${ns(plan)}/${STATE_CONFIGMAP} records the plan digest and the replica count of the ${THREESCALE_DEPLOYMENTS.length} 3scale ${workload(plan)}s, so they outlive any workstation`,
    ...versionCheckLines(plan, 'current'),
  ],
  expects: (plan) => [
    workload(plan) === 'DeploymentConfig'
      ? `3scale before 2.15 (DeploymentConfigs) installed by the operator in namespace ${ns(plan)}, with one APIManager, ${plan.spec.threescale.apiManagerName}`
      : `3scale 2.15 installed by the operator in namespace ${ns(plan)}, with one APIManager, ${plan.spec.threescale.apiManagerName}`,
    `the System database is ${plan.spec.systemDatabase.kind} (Oracle is refused)`,
  ],
  chart: () => import('../../../charts/preflight-chart.js'),
};

const prepare: PhaseDefinition<MigrationPlan> = {
  id: 'prepare',
  title: 'Create the new database servers next to the running 3scale',
  window: 'before-window',
  destructive: false,
  applies: (plan) => databaseHasWork(plan, 'prepare') || redisHasWork(plan, 'prepare'),
  describe: (plan) => {
    const out: string[] = [];
    if (plan.spec.targets.createNamespace && targetNamespaces(plan).length) out.push(`Namespace ${targetNamespaces(plan).join(', ')}`);
    out.push(...databaseWords(plan, 'prepare', 'new-servers'), ...redisWords(plan, 'prepare', 'new-servers'));
    for (const c of credentialCopies(plan)) out.push(`Job copy-${c.target}-credentials copies keys ${c.keys.join(', ')} of Secret ${c.namespace}/${c.secretName} into ${ns(plan)}`);
    out.push(...redisWords(plan, 'prepare', 'existing-servers'));
    out.push(...databaseWords(plan, 'prepare', 'checks'), ...redisWords(plan, 'prepare', 'checks'));
    return out;
  },
  expects: (plan) => {
    const out: string[] = [];
    if (targetNamespaces(plan).length) out.push(plan.spec.targets.createNamespace ? 'permission to create the target namespaces' : `namespaces ${targetNamespaces(plan).join(', ')} exist`);
    if (createsServers(plan) || rdbExports(plan).length) out.push('the storage class can provision the new PVCs');
    if (hasManaged(plan)) {
      out.push(`the managed servers exist and the cluster can reach them without TLS: ${targetList(plan)}`);
      out.push(`their credentials Secrets exist: ${[...new Set(managedTargets(plan).flatMap((t) => (t.credentials ? [`${t.credentials.namespace}/${t.credentials.secretName}`] : [])))].join(', ') || 'none (Redis without AUTH)'}`);
    }
    if (managedSystemDatabase(plan)) out.push(`the managed ${managedSystemDatabase(plan)!.kind === 'postgresql' ? 'PostgreSQL' : 'MySQL'} database exists, or its user may create it: copy-data creates it when absent (seed 5.2.4; PostgreSQL: CREATEDB, checked by check-managed-database)`);
    return out;
  },
  chart: () => import('../../../charts/prepare-chart.js'),
  rollback: {
    title: 'delete the new, still unused database servers',
    describe: () => ['Job remove-new-databases deletes the objects prepare created: new servers, RDB export volumes, credential copies (the original databases and the managed servers are not touched)'],
    chart: () => import('../../../charts/prepare-rollback-chart.js'),
  },
};

const scaleDown: PhaseDefinition<MigrationPlan> = {
  id: 'scale-down',
  title: 'Stop the operator and 3scale, keep the old databases running',
  window: 'opens-window',
  destructive: false,
  applies: needsWindow,
  describe: (plan) => [
    `first, Job ${CHECK_QUEUES_JOB} (read-only, seed 6.1) waits up to 5 minutes for the Sidekiq queues (Secret system-redis URL) and the backend job queues (backend-redis REDIS_QUEUES_URL) to be empty while the workers run, and records their lengths; on Argo CD nothing is scaled while jobs are still waiting (it runs in wave -2); where the folder is applied at once, the workers are already stopping and it records the lengths without waiting (the jobs stay in the Redis data that is copied)`,
    `operator Deployment ${op(plan)} to 0 replicas`,
    `${dcPrefix(plan)}${THREESCALE_DEPLOYMENTS.join(', ')} to 0 replicas`,
  ],
  expects: () => ['the new servers of prepare are ready', 'the copy Jobs can reach the old database Services', 'a quiet hour: the background jobs can be processed before 3scale stops (seed 6.1)'],
  chart: () => import('../../../charts/scale-down-chart.js'),
  report: QUEUE_CHECK_REPORT,
  rollback: {
    title: 'start 3scale and the operator again',
    describe: (plan) => [
      'the 3scale Deployments back to their captured replica counts',
      `operator ${op(plan)} back to 1 replica`,
      ...startAutoscaledWords(plan, RESTART_AUTOSCALED_JOB),
      ...(copiesData(plan)
        ? [
            '3scale writes to the old databases again: when the migration is retried, the copy Jobs find their source changed since their copy and refuse to overwrite it; set spec.jobs.resetTarget: true in the plan for the retry (each Job then removes only what its own evidence proves it created, and copies again)',
          ]
        : []),
    ],
    chart: () => import('../../../charts/scale-up-chart.js'),
  },
};

const copyData: PhaseDefinition<MigrationPlan> = {
  id: 'copy-data',
  title: 'Copy the data inside the cluster',
  window: 'in-window',
  destructive: false,
  applies: copiesData,
  describe: (plan) => {
    const out: string[] = [];
    out.push(...databaseWords(plan, 'copy-data', 'new-servers'));
    out.push(...redisWords(plan, 'copy-data', 'new-servers'));
    out.push(...databaseWords(plan, 'copy-data', 'existing-servers'));
    out.push(...redisWords(plan, 'copy-data', 'existing-servers'));
    return out;
  },
  expects: () => ['every 3scale Deployment is at 0 replicas and has no pods', 'the old databases are running'],
  chart: () => import('../../../charts/copy-data-chart.js'),
};

const loadRedis: PhaseDefinition<MigrationPlan> = {
  id: 'load-redis',
  title: 'Bring the new Redis servers up on the copied data (on-cluster: start in persistence mode and check; managed: check the seed)',
  window: 'in-window',
  destructive: false,
  applies: (plan) => redisHasWork(plan, 'load-redis'),
  describe: (plan) => [...redisWords(plan, 'load-redis', 'new-servers'), ...redisWords(plan, 'load-redis', 'existing-servers')],
  expects: (plan) => [
    'the copy Jobs recorded their evidence',
    ...(rdbExports(plan).length ? [`the managed Redis ${rdbExports(plan).map((r) => `${r}-redis`).join(' and ')} was seeded from the RDB export (the next step listed under copy-data)`] : []),
  ],
  chart: () => import('../../../charts/load-redis-chart.js'),
  rollback: {
    title: 'stop the new Redis servers and start the old ones',
    describe: (plan) =>
      redisHasWork(plan, 'load-redis-rollback') ? redisWords(plan, 'load-redis-rollback', 'new-servers') : ['nothing: the check of the managed Redis is read-only (the old Redis servers run until the cut-over)'],
    chart: () => import('../../../charts/load-redis-rollback-chart.js'),
  },
};

const cutover: PhaseDefinition<MigrationPlan> = {
  id: 'cutover',
  title: 'Point 3scale at the new databases',
  window: 'in-window',
  destructive: false,
  applies: needsWindow,
  describe: (plan) => {
    const out = switchLines(plan);
    out.push(...databaseWords(plan, 'cutover', 'detach'));
    out.push(...verifyCopyLines(plan));
    return out;
  },
  expects: (plan) => [
    'the data phases are done (evidence recorded)',
    mysqlKeptInPlace(plan) ? 'the operator is at 0 replicas' : 'the new servers are ready',
    ...(hasManaged(plan) ? ['the pre-connection checks of the managed servers passed (evidence of check-managed-*, and check-seeded-redis for a seeded Redis)'] : []),
  ],
  chart: () => import('../../../charts/cutover-chart.js'),
  patches: (plan) => databasePatches(plan, 'cutover'),
  rollback: {
    title: 'point 3scale back at the old databases',
    describe: (plan) => {
      const switches = cutoverSwitches(plan);
      const out = ['Job restore-connection-secrets restores the connection Secrets from their in-cluster backups'];
      out.push('APIManager spec.externalComponents back to false' + (switches.some((s) => s.restoresInternalPostgresql) ? ', spec.system.database.postgresql: {} put back' : ''));
      const [created, existing] = SWITCH_SLOTS.map((slot) => switchesIn(plan, slot).flatMap((s) => s.stops));
      if (created!.length) out.push(`the old ${created!.join(', ')} back to 1 replica`);
      if (existing!.length) out.push(`the old ${existing!.join(', ')} back to 1 replica (the managed servers keep their copy; nothing is deleted there)`);
      out.push(...switches.flatMap((s) => s.rollbackWords ?? []));
      return out;
    },
    chart: () => import('../../../charts/cutover-rollback-chart.js'),
  },
};

const scaleUp: PhaseDefinition<MigrationPlan> = {
  id: 'scale-up',
  title: 'Start 3scale and the operator again',
  window: 'closes-window',
  destructive: false,
  applies: needsWindow,
  describe: (plan) => [
    `${dcPrefix(plan)}${THREESCALE_DEPLOYMENTS.filter((d) => !(plan.spec.autoscaled as readonly string[] | undefined)?.includes(d)).map((d) => `${d}=${plan.spec.replicas[d]}`).join(', ')}`,
    `operator ${op(plan)} to 1 replica`,
    ...startAutoscaledWords(plan, START_AUTOSCALED_JOB),
  ],
  expects: () => ['the cut-over Jobs recorded their evidence', 'APIManager shows the components external'],
  chart: () => import('../../../charts/scale-up-chart.js'),
  rollback: {
    title: 'stop 3scale again',
    describe: (plan) => [`operator ${op(plan)} and the 3scale Deployments to 0 replicas`],
    chart: () => import('../../../charts/scale-down-chart.js'),
  },
};

/** What scale-up does for the Deployments an HPA keeps (none unless spec.autoscaled). */
function startAutoscaledWords(plan: Plan, job: string): string[] {
  if (!plan.spec.autoscaled?.length) return [];
  const started = autoscaledDeployments(plan).map((d) => `${d} 0 -> ${plan.spec.replicas[d]}`);
  return [
    `${plan.spec.autoscaled.join(', ')}: left to the HorizontalPodAutoscaler the APIManager creates (hpa: true), so no folder pins their replicas from here on${started.length ? `; once the operator runs, Job ${job} starts them once with a guarded patch (${started.join(', ')}; a Deployment not at 0 is left as it is)` : ''}`,
  ];
}

const verify: PhaseDefinition<MigrationPlan> = {
  id: 'verify',
  title: 'Check the data is where 3scale now reads it (read-only)',
  window: 'after-window',
  destructive: false,
  applies: needsWindow,
  describe: (plan) => {
    const out: string[] = [];
    out.push(...databaseWords(plan, 'verify', 'checks'));
    const live = redisLivenessChecks(plan);
    if (live.length) out.push(`Job verify-redis: the liveness-probe key is present in ${live.map((c) => c.words).join(' and ')}`);
    out.push(...redisWords(plan, 'verify', 'checks'));
    out.push(...versionCheckLines(plan, 'new'));
    return out;
  },
  expects: () => ['every 3scale Deployment is ready'],
  chart: () => import('../../../charts/verify-chart.js'),
};

/**
 * The read-only Jobs that prove each copy again before anything of the cut-over changes (charts/jobs/verify-copy-job.ts):
 * here and not in verify, because once 3scale runs after the scale-up it writes to the new servers.
 */
function verifyCopyLines(plan: Plan): string[] {
  return [...databaseWords(plan, 'cutover', 'checks'), ...redisWords(plan, 'cutover', 'checks')];
}

/**
 * What the cut-over switches, in words: the Secret rewrite (for the servers the plan created, then for existing
 * ones), the APIManager flags, the old servers stopped; each part read from the movers' switches.
 */
function switchLines(plan: Plan): string[] {
  const out: string[] = [];
  const [created, existing] = SWITCH_SLOTS.map((slot) => switchesIn(plan, slot));
  const rewrites = (switches: SwitchOver[]) => switches.flatMap((s) => (s.rewriteWords ? [s.rewriteWords] : []));
  if (rewrites(created!).length) out.push(`Job rewrite-connection-secrets backs up, then rewrites ${rewrites(created!).join(', ')} from the existing credentials`);
  if (rewrites(existing!).length) {
    out.push(`Job rewrite-connection-secrets backs up as <name>${BACKUP_SUFFIX}, then points at the managed servers: ${rewrites(existing!).join('; ')}; the URLs are built in the cluster, no credential is in Git`);
  }
  out.push(`APIManager ${plan.spec.threescale.apiManagerName}: spec.externalComponents ${externalFlagsOf(plan).join(', ')} true`);
  const stops = (switches: SwitchOver[]) => switches.flatMap((s) => s.stops);
  if (stops(created!).length) out.push(`the old ${stops(created!).join(', ')} to 0 replicas`);
  if (stops(existing!).length) out.push(`the old ${stops(existing!).join(', ')} to 0 replicas (their data is on the managed servers now)`);
  return out;
}

const operatorLabel = (operator: '3scale' | 'apicast') => (operator === '3scale' ? 'the 3scale operator' : 'the APIcast operator');

const upgrade: PhaseDefinition<MigrationPlan> = {
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
        `Subscription ${s.namespace}/${s.name} is on the latest CSV of ${CHANNEL_2_15} with no pending InstallPlan (its status.state is AtLatestKnown; with Manual approval, approve the pending InstallPlans first, as more can follow one another)`,
      );
    }
    const r = versionRequirements(plan.spec.preflight.versionRequirements);
    out.push(`OpenShift ${SUPPORTED_OPENSHIFT_TEXT}, the System database not Oracle, and the servers at PostgreSQL ${r.minimum.postgresql} / MySQL ${r.minimum.mysql} / Redis ${r.minimum.redis} or later (${r.policy} requirements)`);
    out.push('every preflight check passes: diff and status list them and keep this phase blocked while one fails');
    return out;
  },
  chart: () => import('../../../charts/upgrade-chart.js'),
  upgradesThreescale: true,
  rollback: {
    title: `channel back to ${CHANNEL_2_15}, which only stops an upgrade still pending`,
    describe: (plan) => [
      ...upgradeSubscriptions(plan).map((s) => `Subscription ${s.namespace}/${s.name}: spec.channel back to ${CHANNEL_2_15}`),
      'OLM does not downgrade an installed CSV: this only stops an upgrade that is still pending (with Manual approval, an InstallPlan not approved yet)',
      'a completed 2.16 upgrade cannot be rolled back by channel: once the 2.16 CSV is installed, changing the channel back does not bring 2.15 back',
    ],
    chart: () => import('../../../charts/upgrade-rollback-chart.js'),
  },
};

const cleanup: PhaseDefinition<MigrationPlan> = {
  id: 'cleanup',
  title: 'Delete the old databases (only with spec.cleanup.enabled)',
  window: 'after-window',
  destructive: true,
  applies: (plan) => plan.spec.cleanup.enabled && retiredByCleanup(plan).length > 0,
  describe: (plan) => [`Job delete-old-databases deletes, irreversibly: ${retiredByCleanup(plan).flatMap((r) => r.words).join('; ')}`],
  expects: () => ['verify passed and the data was checked by people'],
  chart: () => import('../../../charts/cleanup-chart.js'),
};

export const externalizeOnCluster: Procedure<MigrationPlan> = {
  id: 'externalize-on-cluster',
  planKind: 'MigrationPlan',
  runNoun: 'Migration',
  title: '3scale 2.15: move the System database and both Redis out of the operator, onto new servers on the cluster or existing managed ones, then optionally upgrade to 2.16',
  source: 'Migrating Red Hat 3scale API Management 2.16, chapters 3 to 6, and chapters 1 and 2 for the upgrade',
  phases: [preflight, prepare, scaleDown, copyData, loadRedis, cutover, scaleUp, verify, upgrade, cleanup],
  validatePlan: validateMigrationPlan,
  refuseRender: refuseUpgradeWithInternalComponents,
  withVersionRequirements,
  report: migrationReport,
  discovery: () => import('./discover-migration.js'),
};
