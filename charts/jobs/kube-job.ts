import type { k8s } from 'cdk8s-plus-28';
import { grant } from '../constructs/grant.js';
import { type JobAccess, type JobFill, MigrationJob } from '../constructs/migration-job.js';
import type { PhaseChart } from '../phase-chart.js';

/** Props of a Job that runs one of the kubectl scripts under `charts/scripts/kube/`. */
export interface KubeJobProps {
  readonly name: string;
  readonly namespace: string;
  readonly script: string;
  readonly wave: number;
  readonly env: k8s.EnvVar[];
  readonly access: readonly JobAccess[];
  readonly volumes?: k8s.Volume[];
  readonly volumeMounts?: k8s.VolumeMount[];
  /** The objects the Job writes, recorded with their uids in its evidence (kube/lib.sh record_evidence). */
  readonly fills?: readonly JobFill[];
  /** Argo CD never applies it (see MigrationJobProps.argoSkips). */
  readonly argoSkips?: boolean;
}

/** A Job running a kubectl script in the plan's kubectl image, with a scratch volume for secret-bearing files. */
export function kubeJob(chart: PhaseChart, id: string, props: KubeJobProps): MigrationJob {
  const { plan } = chart;
  return new MigrationJob(chart, id, {
    name: props.name,
    namespace: props.namespace,
    phaseId: chart.phaseId,
    wave: props.wave,
    migration: chart.migration,
    image: plan.spec.jobs.kubectlImage,
    scripts: [`kube/${props.script}`, 'kube/lib.sh'],
    env: [{ name: 'WORK', value: '/work' }, ...props.env],
    access: props.access,
    fills: props.fills,
    argoSkips: props.argoSkips,
    volumes: [{ name: 'work', emptyDir: { medium: 'Memory' } }, ...(props.volumes ?? [])],
    volumeMounts: [{ name: 'work', mountPath: '/work' }, ...(props.volumeMounts ?? [])],
    activeDeadlineSeconds: plan.spec.jobs.activeDeadlineSeconds,
  });
}

/** Read access to named Secrets. */
export function readSecrets(namespace: string, names: string[]): JobAccess {
  return { namespace, rules: [grant({ types: 'secret', names }, ['get'])] };
}
