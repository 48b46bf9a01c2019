import { INTERNAL_DATABASE_DEPLOYMENTS } from '../../plan/deployments.js';
import { rdbExportNames, type RedisRole, redisNames, threescaleWorkload } from '../../plan/plan-facts.js';
import type { Plan } from '../../plan/plan-schema.js';
import type { CreatedObject } from './created-objects.js';

/**
 * What the cleanup phase deletes, irreversibly, for one component once its switch is verified: the old server
 * 3scale no longer reads and its data, in words and as `<namespace> <resource>/<name>`.
 */
export interface Retired {
  readonly words: readonly string[];
  readonly objects: readonly CreatedObject[];
}

/** The old internal PostgreSQL: its workload, volume and Service. */
export function oldPostgresql(plan: Plan): Retired {
  const ns = plan.spec.threescale.namespace;
  const w = threescaleWorkload(plan);
  const name = INTERNAL_DATABASE_DEPLOYMENTS.postgresql;
  return {
    words: [`${w.kind} ${name}, PVC postgresql-data, Service ${name}`],
    objects: [`${ns} ${w.resource}/${name}`, `${ns} persistentvolumeclaim/postgresql-data`, `${ns} service/${name}`],
  };
}

/** The old internal MySQL: its workload, volume, Service and configuration. */
export function oldMysql(plan: Plan): Retired {
  const ns = plan.spec.threescale.namespace;
  const w = threescaleWorkload(plan);
  const name = INTERNAL_DATABASE_DEPLOYMENTS.mysql;
  return {
    words: [`${w.kind} ${name}, PVC mysql-storage, Service ${name}, ConfigMaps mysql-main-conf and mysql-extra-conf`],
    objects: [`${ns} ${w.resource}/${name}`, `${ns} persistentvolumeclaim/mysql-storage`, `${ns} service/${name}`, `${ns} configmap/mysql-main-conf`, `${ns} configmap/mysql-extra-conf`],
  };
}

/** The old internal Redis of a role: its workload and volume, and the RDB export volume a seeded managed Redis was loaded from. */
export function oldRedis(plan: Plan, role: RedisRole, rdbExport = false): Retired {
  const ns = plan.spec.threescale.namespace;
  const w = threescaleWorkload(plan);
  const name = redisNames(role).oldDeployment;
  const pvc = rdbExportNames(role).pvc;
  return {
    words: [`${w.kind} ${name}, PVC ${name}-storage`, ...(rdbExport ? [`PVC ${pvc} (the RDB export)`] : [])],
    objects: [`${ns} ${w.resource}/${name}`, `${ns} persistentvolumeclaim/${name}-storage`, ...(rdbExport ? [`${ns} persistentvolumeclaim/${pvc}` as const] : [])],
  };
}
