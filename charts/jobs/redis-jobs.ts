import type { MigrationPlan } from '../../src/plan/plan-schema.js';
import { type RedisRole, redisComponent, redisNames, redisNamespace, serviceHost } from '../../src/plan/plan-facts.js';
import type { PhaseChart } from '../phase-chart.js';
import { dataJob, REDIS_PROGRESS_LIBS, targetResetEnv } from './data-job.js';

/**
 * Fetches the RDB of an old Redis over the network (`redis-cli --rdb`, a fresh snapshot of the running
 * server, so no SAVE has to finish first) straight into the volume of the new server, which is not
 * running yet, as the base file of its AOF (seed 3.4.3 copies dump.rdb to a laptop and back into the
 * running pod instead). A rerun after the source changed copies again only with spec.jobs.resetTarget.
 */
export function copyRedisJob(chart: PhaseChart<MigrationPlan>, role: RedisRole): void {
  const { plan } = chart;
  const n = redisNames(role);
  const namespace = redisNamespace(plan, role);
  dataJob(chart, `Copy-${role}`, {
    name: `copy-${role}-redis`,
    namespace,
    script: 'redis-copy-rdb.sh',
    // The copy lives in this claim, loaded by this Deployment: recreated, the copy is gone (diff: job-stale).
    fills: [
      { kind: 'PersistentVolumeClaim', namespace, name: n.pvc },
      { kind: 'Deployment', namespace, name: n.deployment },
    ],
    libs: REDIS_PROGRESS_LIBS,
    image: redisComponent(plan, role).image,
    wave: 0,
    env: [
      { name: 'SOURCE_REDIS_HOST', value: serviceHost(n.oldService, plan.spec.threescale.namespace) },
      { name: 'SOURCE_REDIS_PORT', value: '6379' },
      { name: 'DATA_DIR', value: '/var/lib/redis/data' },
      targetResetEnv(plan),
    ],
    volumes: [{ name: 'data', persistentVolumeClaim: { claimName: n.pvc } }],
    volumeMounts: [{ name: 'data', mountPath: '/var/lib/redis/data' }],
  });
}

/**
 * Waits until the new Redis has loaded the copy and checks it: AOF on, and the key counts of databases
 * 0-15 those the copy Job of the same role recorded in its evidence (seed 3.4.4 - 3.4.7 by hand, there
 * with an AOF rewrite and a restart this flow does not need).
 */
export function checkLoadJob(chart: PhaseChart<MigrationPlan>, role: RedisRole): void {
  const { plan } = chart;
  const n = redisNames(role);
  const namespace = redisNamespace(plan, role);
  dataJob(chart, `CheckLoad-${role}`, {
    name: `check-load-${role}-redis`,
    namespace,
    script: 'redis-check-load.sh',
    libs: REDIS_PROGRESS_LIBS,
    // What it checked was loaded from this claim by this Deployment: recreated, the check no longer holds.
    fills: [
      { kind: 'PersistentVolumeClaim', namespace, name: n.pvc },
      { kind: 'Deployment', namespace, name: n.deployment },
    ],
    image: redisComponent(plan, role).image,
    wave: 1,
    env: [
      { name: 'REDIS_HOST', value: serviceHost(n.service, namespace) },
      { name: 'REDIS_PORT', value: '6379' },
      { name: 'COPY_STEP', value: `copy-${role}-redis` },
    ],
  });
}
