import type { MigrationPlan } from '../../plan/plan-schema.js';
import { BACKUP_SUFFIX, EVIDENCE_CONFIGMAP, STATE_CONFIGMAP } from '../../contract/on-cluster.js';
import { mysqlDetachSteps } from './mysql-detach.js';
import { autoscaledDeployments, RESTART_AUTOSCALED_JOB, START_AUTOSCALED_JOB } from './autoscaled-start.js';
import { THREESCALE_DEPLOYMENTS } from '../../plan/deployments.js';
import {
  credentialCopies,
  existingServerRedisRoles,
  managedRedis,
  managedRedisRoles,
  managedSystemDatabase,
  managedTargets,
  mysqlKeptInPlace,
  needsWindow,
  POSTGRESQL_NAMES,
  postgresqlMove,
  postgresqlNamespace,
  rdbExportNames,
  rdbExports,
  REDIS_CONFIG_NAME,
  type RedisRole,
  REDIS_ROLES,
  redisComponent,
  redisMoves,
  redisNames,
  redisNamespace,
  targetNamespaces,
  threescaleWorkload,
  upgradeChannel,
  upgradeEnabled,
  upgradeSubscriptions,
} from '../../plan/plan-facts.js';
import { CHANNEL_2_15, type ManagedRedis, type Plan } from '../../plan/plan-schema.js';
import { describeRedisRewrite } from '../../plan/redis-movers/registry.js';
import { type SentinelPhase, sentinelJobs } from './sentinel-jobs.js';
import { CHECK_QUEUES_JOB } from './queue-check.js';
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
const ns3 = ns;
const op = (plan: Plan) => `${plan.spec.operator.namespace}/${plan.spec.operator.deploymentName}`;
const redisList = (plan: Plan) => redisMoves(plan).map((r) => redisNames(r).deployment).join(' and ');
/** `Deployment`, or `DeploymentConfig` for an install before 2.15: what the 3scale components run as. */
const workload = (plan: Plan) => threescaleWorkload(plan).kind;
/** Prefix naming the kind of the listed 3scale workloads, only where it is not the 2.15 default. */
const dcPrefix = (plan: Plan) => (workload(plan) === 'DeploymentConfig' ? 'DeploymentConfigs ' : '');

/** Whether the plan creates new database servers (MySQL kept in place creates none and leaves nothing old behind). */
const createsServers = (plan: Plan) => postgresqlMove(plan) !== undefined || redisMoves(plan).length > 0;
/** Whether the plan moves a component to an existing managed server. */
const hasManaged = (plan: Plan) => managedTargets(plan).length > 0;
/** The words of the Sentinel Jobs of one phase, read from the objects the charts render. */
const sentinelWords = (plan: Plan, phase: SentinelPhase) => sentinelJobs(plan, phase).map((j) => j.words);
/** Whether a Sentinel-managed Redis has work in a phase. */
const sentinelWork = (plan: Plan, phase: SentinelPhase) => sentinelJobs(plan, phase).length > 0;
/** Whether copy-data has a Job to run: an on-cluster copy, a load into a managed database, an RDB export. */
const copiesData = (plan: Plan) => createsServers(plan) || managedSystemDatabase(plan) !== undefined || rdbExports(plan).length > 0 || sentinelWork(plan, 'copy-data');
const targetList = (plan: Plan) => managedTargets(plan).map((t) => `${t.name} (${t.kind} ${t.host}:${t.port})`).join(', ');

/**
 * The step outside the cluster between copy-data and load-redis for a managed Redis seeded from the RDB
 * export (seed 6.2.3: ElastiCache is seeded from an RDB file in S3, which no Job in the cluster can do
 * without AWS credentials): exact commands, with what the plan knows filled in.
 */
function rdbSeedSteps(plan: Plan, role: RedisRole, m: ManagedRedis): string[] {
  const ns = ns3(plan);
  const n = rdbExportNames(role);
  const image = redisComponent(plan, role).image;
  const pod = `${role}-redis-rdb-reader`;
  const overrides = JSON.stringify({
    spec: {
      volumes: [{ name: 'export', persistentVolumeClaim: { claimName: n.pvc } }],
      containers: [{ name: 'reader', image, command: ['sleep', '3600'], volumeMounts: [{ name: 'export', mountPath: n.mountPath }] }],
    },
  });
  return [
    `NEXT STEP for ${role}-redis, outside the cluster, before load-redis: seed the managed Redis ${m.host}:${m.port} from ${n.mountPath}/${n.file} on PVC ${ns}/${n.pvc}:`,
    `1. \`oc -n ${ns} run ${pod} --restart=Never --image=${image} --overrides='${overrides}'\``,
    `2. \`oc -n ${ns} cp ${pod}:${n.mountPath}/${n.file} ./${n.file}\`, check \`sha256sum ${n.file}\` against the sha256 in \`oc -n ${ns} get configmap ${EVIDENCE_CONFIGMAP} -o jsonpath='{.data.${n.job}\\.result}'\`, then \`oc -n ${ns} delete pod ${pod}\``,
    `3. \`aws s3 cp ./${n.file} s3://<bucket>/<folder>/${n.file}\` and grant ElastiCache read access to the object (AWS: "Seeding a new node-based cluster with an externally created backup", steps 2 and 3)`,
    `4. create the ElastiCache cluster from it, \`--snapshot-arns arn:aws:s3:::<bucket>/<folder>/${n.file}\`, ${redisEngineAdvice(plan)}, cluster mode disabled (3scale uses several databases), no in-transit encryption and no AUTH token (3scale 2.15 speaks neither TLS nor AUTH to ElastiCache, which allows AUTH only with TLS), reachable from the cluster at ${m.host}:${m.port}`,
    `5. promote load-redis: Job check-seeded-redis checks that the liveness-probe key of the old server arrived`,
  ];
}

/**
 * What the MySQL detach Job does for this plan, read from the steps it renders (the plan's detach list,
 * discovered or the operator's defaults): each object with its removals, or that no Job is rendered.
 */
function detachSummary(plan: Plan): string {
  const steps = mysqlDetachSteps(plan);
  if (steps.length === 0) {
    return 'no detach Job: spec.systemDatabase.detach records no APIManager ownerReference and no 3scale label on the MySQL objects, so nothing is removed (check that the operator does not own them: deleting the APIManager would delete what it owns)';
  }
  const byObject = new Map<string, { owner: boolean; labels: number; podLabels: number }>();
  for (const step of steps) {
    const key = `${step.kind} ${step.name}`;
    const entry = byObject.get(key) ?? { owner: false, labels: 0, podLabels: 0 };
    if (step.removedPath.startsWith('/metadata/ownerReferences/')) entry.owner = true;
    else if (step.removedPath.startsWith('/spec/template/')) entry.podLabels += 1;
    else entry.labels += 1;
    byObject.set(key, entry);
  }
  const parts = [...byObject].map(([object, e]) => {
    const what = [e.owner ? 'the APIManager ownerReference' : '', e.labels ? `${e.labels} label${e.labels === 1 ? '' : 's'}` : '', e.podLabels ? `${e.podLabels} pod template label${e.podLabels === 1 ? '' : 's'}` : ''].filter(Boolean);
    return `${object} (${what.join(', ')})`;
  });
  return `Job detach-system-mysql removes, each removal guarded by a JSON patch test, from ${parts.join(', ')}: ${steps.length} removal${steps.length === 1 ? '' : 's'} (spec.systemDatabase.detach; any other object stays as it is)`;
}

/**
 * The engine version of a managed Redis: the vendor has the Redis 7 upgrade done before the move to AWS
 * (seed 6.1) and the versions matching; a 2.15 install runs Redis 6, whose RDB loads into a newer server,
 * and a 6.x target would fail the 2.16 minimum after a migration that looks successful.
 */
function redisEngineAdvice(plan: Plan): string {
  const r = versionRequirements(plan.spec.preflight.versionRequirements);
  return `with an engine version of at least Redis ${r.minimum.redis} (the 2.16 minimum, ${r.policy} requirements; never the 2.15 server's Redis 6.x, which the 2.16 upgrade refuses; an RDB loads into the same or a newer Redis, never an older one; seed 6.1 has the Redis 7 upgrade done first)`;
}

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
  applies: (plan) => createsServers(plan) || hasManaged(plan) || sentinelWork(plan, 'prepare'),
  describe: (plan) => {
    const out: string[] = [];
    if (plan.spec.targets.createNamespace && targetNamespaces(plan).length) out.push(`Namespace ${targetNamespaces(plan).join(', ')}`);
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
    if (redisMoves(plan).length) out.push(`ConfigMap ${REDIS_CONFIG_NAME} in persistence mode (save 900 1, save 300 10, save 60 10000, appendonly yes)`);
    for (const c of credentialCopies(plan)) out.push(`Job copy-${c.target}-credentials copies keys ${c.keys.join(', ')} of Secret ${c.namespace}/${c.secretName} into ${ns(plan)}`);
    for (const role of rdbExports(plan)) out.push(`PVC ${ns(plan)}/${rdbExportNames(role).pvc} for the RDB export of ${redisNames(role).oldDeployment}`);
    if (managedSystemDatabase(plan)) out.push(`Job check-managed-database: pre-connection check of the managed System database from inside the cluster (ok, refused, timeout, unresolved, auth-failed, unknown-database: absent and the user may not create it), recorded as evidence`);
    if (managedRedisRoles(plan).length) out.push(`Job check-managed-redis: pre-connection check of ${managedRedisRoles(plan).map((r) => `the managed ${r} Redis`).join(' and ')} (ok, refused, timeout, unresolved, auth-failed; no data expected yet)`);
    out.push(...sentinelWords(plan, 'prepare'));
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
    if (postgresqlMove(plan)) out.push('Job copy-system-database streams pg_dump of system-postgresql into pg_restore on the new server and proves the copy equal: sha256 of the ordered rows of every table, sequences, large objects, schema, database and role settings, grants');
    for (const role of redisMoves(plan)) out.push(`Job copy-${role}-redis fetches the RDB of ${redisNames(role).oldDeployment} into the volume of ${redisNames(role).deployment} as the base file of its AOF, and records its sha256 and size, the key counts of databases 0-15 and the old server's write state (the manifest the cut-over proves again)`);
    const db = managedSystemDatabase(plan);
    if (db?.kind === 'postgresql') out.push(`Job copy-system-database streams pg_dump of system-postgresql into pg_restore --no-owner --no-acl on the managed server ${db.server.host}:${db.server.port}/${db.server.databaseName} (created when absent, in the old database's encoding)`);
    if (db?.kind === 'mysql') out.push(`Job copy-system-database streams mysqldump of system-mysql (as root), DEFINER clauses removed, into the managed server ${db.server.host}:${db.server.port}/${db.server.databaseName} (created when absent)`);
    for (const role of REDIS_ROLES) {
      const m = managedRedis(plan, role);
      if (m?.seed !== 'rdb-export') continue;
      out.push(`Job ${rdbExportNames(role).job} exports the RDB of ${redisNames(role).oldDeployment} to ${rdbExportNames(role).mountPath}/${rdbExportNames(role).file} on PVC ${rdbExportNames(role).pvc}`);
      out.push(...rdbSeedSteps(plan, role, m));
    }
    out.push(...sentinelWords(plan, 'copy-data'));
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
  applies: (plan) => redisMoves(plan).length > 0 || rdbExports(plan).length > 0,
  describe: (plan) => {
    const out: string[] = [];
    if (redisMoves(plan).length) {
      out.push(
        `${redisList(plan)} to 1 replica (persistence mode: loads the copied AOF base file and logs every later write to its AOF)`,
        `the old ${redisMoves(plan).map((r) => redisNames(r).oldDeployment).join(' and ')} to 0 replicas`,
        'Job check-load-<role>-redis waits for the load, then checks AOF on, the key counts of databases 0-15 and the size of the base file loaded against the evidence of copy-<role>-redis, and no write since the load',
      );
    }
    if (rdbExports(plan).length) {
      out.push(`Job check-seeded-redis: the managed ${rdbExports(plan).map((r) => `${r}-redis`).join(' and ')} must answer and hold the liveness-probe key of the old server (empty means the seed from the RDB export did not happen or the dump was empty or corrupt)`);
    }
    return out;
  },
  expects: (plan) => [
    'the copy Jobs recorded their evidence',
    ...(rdbExports(plan).length ? [`the managed Redis ${rdbExports(plan).map((r) => `${r}-redis`).join(' and ')} was seeded from the RDB export (the next step listed under copy-data)`] : []),
  ],
  chart: () => import('../../../charts/load-redis-chart.js'),
  rollback: {
    title: 'stop the new Redis servers and start the old ones',
    describe: (plan) =>
      redisMoves(plan).length
        ? [
            `${redisList(plan)} to 0 replicas`,
            `the old Redis Deployments back to 1 replica`,
            'a later copy-data whose source has changed since (3scale wrote to the old Redis again) copies anew only with spec.jobs.resetTarget: true, otherwise its Job refuses',
          ]
        : ['nothing: the check of the managed Redis is read-only (the old Redis servers run until the cut-over)'],
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
    const out: string[] = [];
    const secrets: string[] = [];
    if (postgresqlMove(plan)) secrets.push('system-database URL');
    for (const role of redisMoves(plan)) secrets.push(...[describeRedisRewrite(plan, role)].filter((d) => d !== undefined));
    if (secrets.length) out.push(`Job rewrite-connection-secrets backs up, then rewrites ${secrets.join(', ')} from the existing credentials`);
    const managed: string[] = [];
    for (const t of managedTargets(plan).filter((t) => t.name === 'system-database')) {
      const from = t.credentials ? ` with the credentials of Secret ${t.credentials.secretName}` : ' (no AUTH)';
      managed.push(`system-database URL (${t.kind === 'postgresql' ? 'postgresql' : 'mysql2'}://…@${t.host}:${t.port}/${t.databaseName}), DB_USER and DB_PASSWORD${from}`);
    }
    for (const role of REDIS_ROLES) if (!redisMoves(plan).includes(role)) managed.push(...[describeRedisRewrite(plan, role)].filter((d) => d !== undefined));
    if (managed.length) out.push(`Job rewrite-connection-secrets backs up as <name>${BACKUP_SUFFIX}, then points at the managed servers: ${managed.join('; ')}; the URLs are built in the cluster, no credential is in Git`);
    const flags: string[] = [];
    if (postgresqlMove(plan) || mysqlKeptInPlace(plan) || managedSystemDatabase(plan)) flags.push('system.database');
    for (const role of [...redisMoves(plan), ...existingServerRedisRoles(plan)].sort()) flags.push(`${role}.redis`);
    out.push(`APIManager ${plan.spec.threescale.apiManagerName}: spec.externalComponents ${flags.join(', ')} true`);
    if (postgresqlMove(plan)) out.push(`the old ${POSTGRESQL_NAMES.oldDeployment} to 0 replicas`);
    const oldManaged = oldManagedServers(plan);
    if (oldManaged.length) out.push(`the old ${oldManaged.join(', ')} to 0 replicas (their data is on the managed servers now)`);
    if (mysqlKeptInPlace(plan)) out.push(detachSummary(plan));
    out.push(...verifyCopyLines(plan));
    return out;
  },
  expects: (plan) => [
    'the data phases are done (evidence recorded)',
    mysqlKeptInPlace(plan) ? 'the operator is at 0 replicas' : 'the new servers are ready',
    ...(hasManaged(plan) ? ['the pre-connection checks of the managed servers passed (evidence of check-managed-*, and check-seeded-redis for a seeded Redis)'] : []),
  ],
  chart: () => import('../../../charts/cutover-chart.js'),
  patches: mysqlDetachSteps,
  rollback: {
    title: 'point 3scale back at the old databases',
    describe: (plan) => {
      const out = ['Job restore-connection-secrets restores the connection Secrets from their in-cluster backups'];
      const internalPg = postgresqlMove(plan) || managedSystemDatabase(plan)?.kind === 'postgresql';
      out.push('APIManager spec.externalComponents back to false' + (internalPg ? ', spec.system.database.postgresql: {} put back' : ''));
      if (postgresqlMove(plan)) out.push(`the old ${POSTGRESQL_NAMES.oldDeployment} back to 1 replica`);
      if (oldManagedServers(plan).length) out.push(`the old ${oldManagedServers(plan).join(', ')} back to 1 replica (the managed servers keep their copy; nothing is deleted there)`);
      if (mysqlKeptInPlace(plan)) out.push('the operator re-adds its ownerReference and labels to the MySQL objects once it runs');
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
    if (postgresqlMove(plan) || mysqlKeptInPlace(plan) || managedSystemDatabase(plan)) out.push('Job verify-system-database: the accounts table is readable in the System database 3scale now uses');
    const seeded = rdbExports(plan).map((r) => `the managed ${r}-redis`);
    if (redisMoves(plan).length || seeded.length) out.push(`Job verify-redis: the liveness-probe key is present in ${[...redisMoves(plan).map((r) => redisNames(r).deployment), ...seeded].join(' and ')}`);
    out.push(...sentinelWords(plan, 'verify'));
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
  const out: string[] = [];
  const db = postgresqlMove(plan) ? 'postgresql' : managedSystemDatabase(plan)?.kind;
  if (db === 'postgresql') out.push('first, before anything changes: Job verify-copy-system-database recomputes on the new System database, and on the old one while it answers, what copy-system-database recorded (row count and sha256 of every table, sequences, large objects, schema, settings, grants) and fails naming the table that differs (read-only)');
  if (db === 'mysql') out.push('first, before anything changes: Job verify-copy-system-database recomputes on the managed MySQL, and on system-mysql while it answers, what copy-system-database recorded (row count and row checksum of every table, schema) and fails naming the table that differs (read-only)');
  for (const role of redisMoves(plan)) out.push(`first, before anything changes: Job verify-copy-${role}-redis proves from INFO that ${redisNames(role).deployment} was not written to since check-load-${role}-redis proved it loaded the base file copy-${role}-redis placed (run_id, AOF sizes, write commands, key counts; the readiness probe's key and expiries aside), nor the old server after the copy, and fails naming the command, database or cause (read-only)`);
  return out;
}

/** The old Deployments a plan's managed targets replace; stopped at the cut-over. */
function oldManagedServers(plan: Plan): string[] {
  const db = managedSystemDatabase(plan);
  return [...(db ? [db.kind === 'postgresql' ? POSTGRESQL_NAMES.oldDeployment : 'system-mysql'] : []), ...existingServerRedisRoles(plan).map((r) => redisNames(r).oldDeployment)];
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
  applies: (plan) => plan.spec.cleanup.enabled && (createsServers(plan) || hasManaged(plan) || existingServerRedisRoles(plan).length > 0),
  describe: (plan) => {
    const out: string[] = [];
    const db = managedSystemDatabase(plan);
    if (postgresqlMove(plan) || db?.kind === 'postgresql') out.push(`${workload(plan)} ${POSTGRESQL_NAMES.oldDeployment}, PVC postgresql-data, Service ${POSTGRESQL_NAMES.oldService}`);
    if (db?.kind === 'mysql') out.push(`${workload(plan)} system-mysql, PVC mysql-storage, Service system-mysql, ConfigMaps mysql-main-conf and mysql-extra-conf`);
    for (const role of [...redisMoves(plan), ...existingServerRedisRoles(plan)]) out.push(`${workload(plan)} ${redisNames(role).oldDeployment}, PVC ${redisNames(role).oldDeployment}-storage`);
    if (redisMoves(plan).length + existingServerRedisRoles(plan).length === 2) out.push('ConfigMap redis-config');
    for (const role of rdbExports(plan)) out.push(`PVC ${rdbExportNames(role).pvc} (the RDB export)`);
    return [`Job delete-old-databases deletes, irreversibly: ${out.join('; ')}`];
  },
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
