import { redisComponent, redisNames, threescaleWorkload } from '../src/plan/plan-facts.js';
import type { MigrationPlan } from '../src/plan/plan-schema.js';
import type { RedisConstruct, RedisJob, RedisPhase } from '../src/procedures/externalize-on-cluster/redis-movers/mover.js';
import { redisConstructs } from '../src/procedures/externalize-on-cluster/redis-movers/registry.js';
import { newRedisServers } from './constructs/new-redis-servers.js';
import { RdbExportVolume } from './constructs/rdb-export-volume.js';
import { ReplicaOverlay } from './constructs/replica-overlay.js';
import { checkTargetsJobs } from './jobs/check-targets-job.js';
import { dataJob, fromSecret } from './jobs/data-job.js';
import { exportRdbJob } from './jobs/export-rdb-job.js';
import { checkLoadJob, copyRedisJob } from './jobs/redis-jobs.js';
import { verifyRedisCopyProps } from './jobs/verify-copy-job.js';
import type { PhaseChart } from './phase-chart.js';

/** Renders one Job a Redis mover contributes, by how its mover says it is built. */
function renderJob(chart: PhaseChart<MigrationPlan>, job: RedisJob): void {
  const { plan } = chart;
  switch (job.build) {
    case 'copy-redis':
      return copyRedisJob(chart, job.role);
    case 'check-load':
      return checkLoadJob(chart, job.role);
    case 'export-rdb':
      return exportRdbJob(chart, job.role);
    case 'verify-copy':
      dataJob(chart, `VerifyCopy-${job.role}`, verifyRedisCopyProps(chart, job.role, job.wave));
      return;
    case 'check-targets':
      return checkTargetsJobs(chart, { prefix: job.prefix, wave: job.wave, database: false, redisRoles: job.roles, requireLivenessKey: job.requireLivenessKey });
    case 'sentinel':
      dataJob(chart, job.name, {
        name: job.name,
        namespace: plan.spec.threescale.namespace,
        script: job.job.script,
        libs: ['lib/sentinel.sh'],
        image: redisComponent(plan, job.job.role).image,
        wave: job.wave,
        env: job.job.env.map((e) => ('value' in e ? e : fromSecret(e.name, e.secret, e.key))),
      });
  }
}

/** Renders one construct of a Redis mover's work. */
function renderConstruct(chart: PhaseChart<MigrationPlan>, c: RedisConstruct): void {
  const { plan } = chart;
  const ns = plan.spec.threescale.namespace;
  switch (c.kind) {
    case 'job':
      return renderJob(chart, c.job);
    case 'new-servers':
      return newRedisServers(chart, plan, c.replicas, c.roles);
    case 'old-server':
      new ReplicaOverlay(chart, `Old-${c.role}`, { name: redisNames(c.role).oldDeployment, namespace: ns, replicas: c.replicas, phaseId: chart.phaseId, kind: threescaleWorkload(plan).kind });
      return;
    case 'rdb-export-volume':
      new RdbExportVolume(chart, `RdbExport-${c.role}`, { role: c.role, namespace: ns, storage: redisComponent(plan, c.role).storage, migration: plan.metadata.name });
  }
}

/** Renders what the Redis movers of the plan contribute to a phase (src/procedures/externalize-on-cluster/redis-movers/ says which and why). */
export function renderRedisWork(chart: PhaseChart<MigrationPlan>, phase: RedisPhase): void {
  for (const c of redisConstructs(chart.plan, phase)) renderConstruct(chart, c);
}
