import type { MigrationPlan } from '../../src/plan/plan-schema.js';
import { rdbExportNames, type RedisRole, redisComponent, redisNames, serviceHost } from '../../src/plan/plan-facts.js';
import type { PhaseChart } from '../phase-chart.js';
import { dataJob, REDIS_PROGRESS_LIBS } from './data-job.js';

/**
 * Exports the RDB of an old Redis to its export volume for a managed Redis seeded outside the cluster
 * (seed 6.2.2 copies dump.rdb to a laptop with `oc cp`): `redis-copy-rdb.sh` takes a fresh snapshot over
 * the network (what BGSAVE plus a copy does, without waiting for the save), checks it with redis-check-rdb
 * and renames it into place; its evidence records the file's size and sha256.
 */
export function exportRdbJob(chart: PhaseChart<MigrationPlan>, role: RedisRole): void {
  const { plan } = chart;
  const ns = plan.spec.threescale.namespace;
  const n = rdbExportNames(role);
  dataJob(chart, `ExportRdb-${role}`, {
    name: n.job,
    namespace: ns,
    script: 'redis-copy-rdb.sh',
    libs: REDIS_PROGRESS_LIBS,
    image: redisComponent(plan, role).image,
    wave: 0,
    env: [
      { name: 'SOURCE_REDIS_HOST', value: serviceHost(redisNames(role).oldService, ns) },
      { name: 'SOURCE_REDIS_PORT', value: '6379' },
      { name: 'DATA_DIR', value: n.mountPath },
      { name: 'RDB_FILENAME', value: n.file },
    ],
    volumes: [{ name: 'export', persistentVolumeClaim: { claimName: n.pvc } }],
    volumeMounts: [{ name: 'export', mountPath: n.mountPath }],
  });
}
