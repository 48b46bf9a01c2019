import { type RedisRole, redisComponent, redisNames, redisNamespace, serviceHost } from '../../src/plan/plan-facts.js';
import type { PhaseChart } from '../phase-chart.js';
import { dataJob } from './data-job.js';

/**
 * Fetches the RDB of an old Redis over the network (`redis-cli --rdb`, a fresh snapshot of the running
 * server, so no SAVE has to finish first) straight into the volume of the new server, which is not
 * running yet (seed 3.4.3 copies dump.rdb to a laptop and back into the running pod instead).
 */
export function copyRedisJob(chart: PhaseChart, role: RedisRole): void {
  const { plan } = chart;
  const n = redisNames(role);
  const namespace = redisNamespace(plan, role);
  dataJob(chart, `Copy-${role}`, {
    name: `copy-${role}-redis`,
    namespace,
    script: 'redis-copy-rdb.sh',
    image: redisComponent(plan, role).image,
    wave: 0,
    env: [
      { name: 'SOURCE_REDIS_HOST', value: serviceHost(n.oldService, plan.spec.threescale.namespace) },
      { name: 'SOURCE_REDIS_PORT', value: '6379' },
      { name: 'DATA_DIR', value: '/var/lib/redis/data' },
    ],
    volumes: [{ name: 'data', persistentVolumeClaim: { claimName: n.pvc } }],
    volumeMounts: [{ name: 'data', mountPath: '/var/lib/redis/data' }],
  });
}

/**
 * Waits until the new Redis has loaded its dump, switches AOF on (the script's AOF_METHOD=auto:
 * `CONFIG SET appendonly yes`, BGREWRITEAOF as the fallback) and waits for `aof_rewrite_in_progress:0`
 * (seed 3.4 runs BGREWRITEAOF and polls by hand).
 */
export function aofRewriteJob(chart: PhaseChart, role: RedisRole): void {
  const { plan } = chart;
  const n = redisNames(role);
  const namespace = redisNamespace(plan, role);
  dataJob(chart, `AofRewrite-${role}`, {
    name: `aof-rewrite-${role}-redis`,
    namespace,
    script: 'redis-aof-rewrite.sh',
    image: redisComponent(plan, role).image,
    wave: 1,
    env: [
      { name: 'REDIS_HOST', value: serviceHost(n.service, namespace) },
      { name: 'REDIS_PORT', value: '6379' },
    ],
  });
}
