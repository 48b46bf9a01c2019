import type { k8s } from 'cdk8s-plus-28';
import { type JobAccess, type JobFill, MigrationJob } from '../constructs/migration-job.js';
import type { PlanBase } from '../../src/plan/plan-base.js';
import type { PhaseChart } from '../phase-chart.js';

/** Props of a Job that runs one of the database scripts under `charts/scripts/`. */
export interface DataJobProps {
  readonly name: string;
  readonly namespace: string;
  readonly script: string;
  readonly image: string;
  readonly wave: number;
  readonly env: k8s.EnvVar[];
  readonly volumes?: k8s.Volume[];
  readonly volumeMounts?: k8s.VolumeMount[];
  /** Further files of `charts/scripts/lib/` the script sources. */
  readonly libs?: readonly string[];
  /** The objects the Job fills, recorded with their uids in its evidence. */
  readonly fills?: readonly JobFill[];
  /** What the script may read or change through the API beyond its evidence. @default none */
  readonly access?: readonly JobAccess[];
}

/**
 * A Job running a data script in the client image of the target version (postgresql-15, redis-7), with
 * the shared shell library and the evidence writer beside it.
 */
export function dataJob(chart: PhaseChart, id: string, props: DataJobProps): MigrationJob {
  const { plan } = chart;
  return new MigrationJob(chart, id, {
    name: props.name,
    namespace: props.namespace,
    phaseId: chart.phaseId,
    wave: props.wave,
    migration: chart.migration,
    image: props.image,
    scripts: [props.script, 'lib/common.sh', 'lib/evidence.sh', ...(props.libs ?? [])],
    env: props.env,
    volumes: props.volumes,
    volumeMounts: props.volumeMounts,
    fills: props.fills,
    access: props.access,
    activeDeadlineSeconds: plan.spec.jobs.activeDeadlineSeconds,
  });
}

/** An env var read from a key of a Secret (credentials never appear in the manifests). */
export function fromSecret(name: string, secret: string, key: string): k8s.EnvVar {
  return { name, valueFrom: { secretKeyRef: { name: secret, key } } };
}

/**
 * `TARGET_RESET` of the copy Jobs, from `spec.jobs.resetTarget`: whether a rerun may empty what the Job's earlier
 * copy created in its target (the script refuses anything its evidence does not prove it created).
 */
export function targetResetEnv(plan: PlanBase): k8s.EnvVar {
  return { name: 'TARGET_RESET', value: plan.spec.jobs.resetTarget ? 'true' : 'false' };
}

/** The files of `charts/scripts/lib/` pg-copy.sh and pg-verify-copy.sh source beside common.sh and evidence.sh. */
export const PG_COPY_LIBS = ['lib/pg-state.sh', 'lib/pg-clients.sh', 'lib/copy-manifest.sh'] as const;

/** The files of `charts/scripts/lib/` mysql-copy.sh and mysql-verify-copy.sh source beside common.sh and evidence.sh. */
export const MYSQL_COPY_LIBS = ['lib/mysql-state.sh', 'lib/copy-manifest.sh'] as const;

/** The files of `charts/scripts/lib/` redis-copy-rdb.sh, redis-check-load.sh and redis-verify-copy.sh source beside common.sh and evidence.sh. */
export const REDIS_COPY_LIBS = ['lib/redis-write-state.sh', 'lib/copy-manifest.sh'] as const;

/** {@link REDIS_COPY_LIBS} and the progress records, which redis-copy-rdb.sh writes while it fetches and redis-check-load.sh while Redis loads. */
export const REDIS_PROGRESS_LIBS = [...REDIS_COPY_LIBS, 'lib/progress.sh'] as const;
