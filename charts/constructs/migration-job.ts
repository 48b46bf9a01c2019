import { createHash } from 'node:crypto';
import { k8s } from 'cdk8s-plus-28';
import { Construct } from 'constructs';
import { EVIDENCE_CONFIGMAP, KEYS } from '../../src/contract/on-cluster.js';
import { apiGroupOf, resourceTypeOfKind } from '../../src/kube/resource-types.js';
import { readPackageFile } from '../../src/util/package-files.js';
import { toStableJson } from '../../src/util/stable-json.js';
import { grant } from './grant.js';
import { ARGOCD_SYNC_WAVE, jobAnnotations, jobHelperAnnotations, ownLabels } from './metadata.js';

export { EVIDENCE_CONFIGMAP } from '../../src/contract/on-cluster.js';
/** Where the scripts are mounted in a Job's pod. */
export const SCRIPTS_MOUNT = '/opt/threescale-migrate';

/** What a Job may do in one namespace. */
export interface JobAccess {
  /** Namespace of the Role. */
  readonly namespace: string;
  /** Exactly the verbs on exactly the objects the script needs. */
  readonly rules: k8s.PolicyRule[];
}

/** An object a Job fills with data (the PVC or Deployment of a database it copies into). */
export interface JobFill {
  readonly kind: 'PersistentVolumeClaim' | 'Deployment' | 'StatefulSet' | 'Secret';
  readonly namespace: string;
  readonly name: string;
}

/** Whether `access` already lets the Job `get` the filled object (a kubectl Job writing it does). */
function grantsGet(access: readonly JobAccess[], f: JobFill): boolean {
  const type = resourceTypeOfKind(f.kind);
  const [apiGroup, resource] = [apiGroupOf(type), type.plural];
  return access.some(
    (a) =>
      a.namespace === f.namespace &&
      a.rules.some((r) => r.verbs.includes('get') && (r.apiGroups ?? []).includes(apiGroup) && (r.resources ?? []).includes(resource) && (!r.resourceNames || r.resourceNames.includes(f.name))),
  );
}

/** Props of {@link MigrationJob}. */
export interface MigrationJobProps {
  /** Job name; also names its ServiceAccount, Role(s), RoleBinding(s) and scripts ConfigMap. */
  readonly name: string;
  /** Namespace the Job runs in. */
  readonly namespace: string;
  /** Phase the Job belongs to. */
  readonly phaseId: string;
  /** Argo CD sync wave inside the phase. */
  readonly wave: number;
  /** Plan name, for labels. */
  readonly migration: string;
  /** Client image of the target version (postgresql-15, redis-7, ose-cli). */
  readonly image: string;
  /** Script files under `charts/scripts/`; the first is run, the others are sourced by it. */
  readonly scripts: readonly string[];
  /** Environment: non-secret values literally, credentials only by secretKeyRef. */
  readonly env: k8s.EnvVar[];
  /**
   * Access the script needs beyond writing its evidence.
   * @default none
   */
  readonly access?: readonly JobAccess[];
  /**
   * The objects the Job fills: their uids go into its evidence record (`EVIDENCE_TARGETS`, `get` on each), so
   * `diff` can tell one recreated since. @default none
   */
  readonly fills?: readonly JobFill[];
  /** Extra volumes (for example the new Redis PVC). @default none */
  readonly volumes?: k8s.Volume[];
  /** Mounts of the extra volumes. @default none */
  readonly volumeMounts?: k8s.VolumeMount[];
  /** Seconds before the Job is failed. */
  readonly activeDeadlineSeconds: number;
  /**
   * Pod retries; every script restarts cleanly after a failure.
   * @default 2
   */
  readonly backoffLimit?: number;
  /**
   * Argo CD never applies the Job nor its helpers (`argocd.argoproj.io/hook: Skip`): work only Flux needs,
   * which keeps a Complete Job and never runs it again. `status` counts such a Job only when it is live or
   * recorded. @default false
   */
  readonly argoSkips?: boolean;
}

/**
 * A Job that runs one of the repository's scripts in the cluster, under its own ServiceAccount with a Role
 * that allows exactly what it needs, and records evidence of completion in a ConfigMap that outlives the
 * Job (finished Jobs are deleted by TTL or hook policies; `diff` reads the evidence).
 */
export class MigrationJob extends Construct {
  public constructor(scope: Construct, id: string, props: MigrationJobProps) {
    super(scope, id);
    const { name, namespace, phaseId, migration } = props;
    const labels = { ...ownLabels(migration), 'app.kubernetes.io/name': name };
    // A Job before the folder's other objects (a negative Argo CD wave) needs its helpers in its wave too.
    const helper = { labels, annotations: { ...jobHelperAnnotations(phaseId, props.argoSkips), ...(props.wave < 0 ? { [ARGOCD_SYNC_WAVE]: String(props.wave) } : {}) } };

    const files = props.scripts.map((file) => ({ file, key: file.replace(/\//g, '.'), content: readScript(file) }));
    const scriptsHash = createHash('sha256');
    for (const f of files) scriptsHash.update(f.file).update('\0').update(f.content).update('\0');

    new k8s.KubeServiceAccount(this, 'ServiceAccount', {
      metadata: { name, namespace, ...helper },
      automountServiceAccountToken: true,
    });

    const evidence: JobAccess = {
      namespace,
      rules: [
        grant({ types: 'configmap' }, ['create']),
        grant({ types: 'configmap', names: [EVIDENCE_CONFIGMAP] }, ['get', 'patch']),
      ],
    };
    const fills: JobAccess[] = (props.fills ?? [])
      .filter((f) => !grantsGet(props.access ?? [], f))
      .map((f) => ({ namespace: f.namespace, rules: [grant({ types: resourceTypeOfKind(f.kind), names: [f.name] }, ['get'])] }));
    const grants = mergeAccess([evidence, ...(props.access ?? []), ...fills]);
    grants.forEach((grant, i) => {
      const roleName = grant.namespace === namespace ? name : `${name}-${namespace}`;
      new k8s.KubeRole(this, `Role${i}`, { metadata: { name: roleName, namespace: grant.namespace, ...helper }, rules: grant.rules });
      new k8s.KubeRoleBinding(this, `RoleBinding${i}`, {
        metadata: { name: roleName, namespace: grant.namespace, ...helper },
        roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'Role', name: roleName },
        subjects: [{ kind: 'ServiceAccount', name, namespace }],
      });
    });

    const jobSha256 = jobInputsDigest(props, scriptsHash.copy().digest('hex'));
    const scriptsName = `${name}-scripts`;
    new k8s.KubeConfigMap(this, 'Scripts', {
      metadata: { name: scriptsName, namespace, labels, annotations: { ...helper.annotations, [KEYS.jobSha256]: jobSha256 } },
      data: Object.fromEntries(files.map((f) => [f.key, f.content])),
    });

    const env: k8s.EnvVar[] = [
      { name: 'NAMESPACE', valueFrom: { fieldRef: { fieldPath: 'metadata.namespace' } } },
      { name: 'PHASE', value: phaseId },
      { name: JOB_SHA256_ENV, value: jobSha256 },
      { name: 'EVIDENCE_CONFIGMAP', value: EVIDENCE_CONFIGMAP },
      { name: 'EVIDENCE_STEP', value: name },
      ...(props.fills?.length ? [{ name: 'EVIDENCE_TARGETS', value: props.fills.map((f) => `${f.kind}/${f.namespace}/${f.name}`).join(' ') }] : []),
      ...props.env,
    ];

    new k8s.KubeJob(this, 'Job', {
      metadata: { name, namespace, labels, annotations: jobAnnotations(phaseId, props.wave, props.argoSkips) },
      spec: {
        backoffLimit: props.backoffLimit ?? 2,
        activeDeadlineSeconds: props.activeDeadlineSeconds,
        template: {
          metadata: { labels, annotations: { [KEYS.scriptsHash]: scriptsHash.digest('hex') } },
          spec: {
            serviceAccountName: name,
            restartPolicy: 'Never',
            securityContext: { runAsNonRoot: true, seccompProfile: { type: 'RuntimeDefault' } },
            containers: [
              {
                name: 'run',
                image: props.image,
                imagePullPolicy: 'IfNotPresent',
                command: ['bash', `${SCRIPTS_MOUNT}/${files[0]!.file}`],
                env,
                securityContext: { allowPrivilegeEscalation: false, capabilities: { drop: ['ALL'] } },
                volumeMounts: [{ name: 'scripts', mountPath: SCRIPTS_MOUNT, readOnly: true }, ...(props.volumeMounts ?? [])],
              },
            ],
            volumes: [
              {
                name: 'scripts',
                configMap: { name: scriptsName, defaultMode: 0o555, items: files.map((f) => ({ key: f.key, path: f.file })) },
              },
              ...(props.volumes ?? []),
            ],
          },
        },
      },
    });
  }
}

/** Env var carrying the digest of a Job's inputs, which its script records as `<step>.jobSha256`. */
export const JOB_SHA256_ENV = 'JOB_SHA256';

/**
 * Digest of everything a Job is rendered from (name, phase, image, scripts, environment, access, volumes,
 * limits): what the plan means for this one Job. An edit of the plan that does not concern the Job (a
 * replica count) leaves it, and so the Job's manifest, unchanged; one that does (a target, an image)
 * changes it, and `diff` then says the step ran with other inputs. The plan's own digest is kept once per
 * phase folder, in the state ConfigMap.
 */
export function jobInputsDigest(props: Omit<MigrationJobProps, 'migration'> & { readonly migration: string }, scriptsSha256: string): string {
  const { scripts: _scripts, ...rest } = props;
  return createHash('sha256').update(toStableJson({ ...rest, scriptsSha256 })).digest('hex');
}

/** One Role per namespace: rules of the same namespace are merged, namespaces sorted. */
function mergeAccess(grants: readonly JobAccess[]): JobAccess[] {
  const byNamespace = new Map<string, k8s.PolicyRule[]>();
  for (const g of grants) byNamespace.set(g.namespace, [...(byNamespace.get(g.namespace) ?? []), ...g.rules]);
  return [...byNamespace.entries()].map(([namespace, rules]) => ({ namespace, rules }));
}

const scriptCache = new Map<string, string>();

/** Reads a script shipped in `charts/scripts/`; they are part of the package, so a missing one is a bug. */
function readScript(file: string): string {
  let content = scriptCache.get(file);
  if (content === undefined) {
    content = readPackageFile(`charts/scripts/${file}`);
    scriptCache.set(file, content);
  }
  return content;
}
