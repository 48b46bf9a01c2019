/**
 * The kubelet's part for a kubectl Job of the charts (charts/scripts/kube/), on the real API server of the
 * tests: the Job's container runs as a local bash process with what a pod would get. Its environment
 * (plain values, `metadata.namespace`, Secret keys read from the live Secret), its volumes (a ConfigMap or
 * Secret written into a temp folder, an emptyDir as an empty one; the scripts' own mount is the repo's
 * charts/scripts), and a kubeconfig holding a TokenRequest token of the Job's ServiceAccount, so the server's
 * RBAC decides every request of the script as on a cluster. The Job's status is then written as the Job
 * controller would (Complete on exit 0, Failed otherwise).
 */
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import type { KubeObject } from '../../../src/kube/kube-object.js';
import { runScript, type ScriptResult } from '../db-servers.js';
import { apiRequestOk } from './api-request.js';
import { completeJob } from './controller-stand-in.js';
import { adminEndpoint, type RealApiServer } from './real-api-server.js';

/** Where the charts mount charts/scripts in a Job's container. */
const SCRIPTS_MOUNT = '/opt/threescale-migrate';

interface EnvVar {
  readonly name: string;
  readonly value?: string;
  readonly valueFrom?: { readonly fieldRef?: { readonly fieldPath: string }; readonly secretKeyRef?: { readonly name: string; readonly key: string } };
}
interface PodSpec {
  readonly serviceAccountName: string;
  readonly containers: readonly { readonly command: readonly string[]; readonly env?: readonly EnvVar[]; readonly volumeMounts?: readonly { readonly name: string; readonly mountPath: string }[] }[];
  readonly volumes?: readonly { readonly name: string; readonly configMap?: { readonly name: string }; readonly secret?: { readonly secretName: string }; readonly emptyDir?: object }[];
}

/** The Job's pod template spec. */
function podSpecOf(job: KubeObject): PodSpec {
  return (job.spec as { template: { spec: PodSpec } }).template.spec;
}

/** The script a Job runs, relative to charts/scripts (`kube/backup-objects.sh`); throws for any other command. */
export function jobScript(job: KubeObject): string {
  const command = podSpecOf(job).containers[0]!.command;
  if (command[0] !== 'bash' || !command[1]?.startsWith(`${SCRIPTS_MOUNT}/`)) throw new Error(`Job ${job.metadata.name} does not run a script of the charts: ${command.join(' ')}`);
  return command[1].slice(SCRIPTS_MOUNT.length + 1);
}

/** GET of one namespaced core object as the admin (what the kubelet reads for a pod). */
async function readCore(server: RealApiServer, namespace: string, plural: string, name: string): Promise<{ data?: Record<string, string> }> {
  return (await apiRequestOk(adminEndpoint(server), { method: 'GET', path: `/api/v1/namespaces/${encodeURIComponent(namespace)}/${plural}/${encodeURIComponent(name)}` })) as { data?: Record<string, string> };
}

/** Writes each volume of the pod into `root`; returns mountPath -> local folder. */
async function mountVolumes(server: RealApiServer, job: KubeObject, root: string): Promise<Map<string, string>> {
  const spec = podSpecOf(job);
  const namespace = job.metadata.namespace!;
  const mounts = new Map<string, string>();
  for (const [i, mount] of (spec.containers[0]!.volumeMounts ?? []).entries()) {
    if (mount.mountPath === SCRIPTS_MOUNT) continue;
    const volume = spec.volumes?.find((v) => v.name === mount.name);
    if (!volume) throw new Error(`Job ${job.metadata.name}: volumeMount ${mount.name} names no volume`);
    const dir = await mkdtemp(join(root, `volume-${i}-`));
    if (volume.configMap) {
      for (const [key, value] of Object.entries((await readCore(server, namespace, 'configmaps', volume.configMap.name)).data ?? {})) await writeFile(join(dir, key), value);
    } else if (volume.secret) {
      for (const [key, value] of Object.entries((await readCore(server, namespace, 'secrets', volume.secret.secretName)).data ?? {})) await writeFile(join(dir, key), Buffer.from(value, 'base64'));
    } else if (!volume.emptyDir) throw new Error(`Job ${job.metadata.name}: volume ${volume.name} is neither a ConfigMap, a Secret nor an emptyDir`);
    mounts.set(mount.mountPath, dir);
  }
  return mounts;
}

/** The container's environment as the kubelet resolves it, mount paths in values pointed at the local folders. */
async function resolveEnv(server: RealApiServer, job: KubeObject, mounts: ReadonlyMap<string, string>): Promise<Record<string, string>> {
  const namespace = job.metadata.namespace!;
  const env: Record<string, string> = {};
  for (const e of podSpecOf(job).containers[0]!.env ?? []) {
    if (e.value !== undefined) {
      const mount = [...mounts.keys()].find((path) => e.value === path || e.value!.startsWith(`${path}/`));
      env[e.name] = mount ? `${mounts.get(mount)}${e.value.slice(mount.length)}` : e.value;
    } else if (e.valueFrom?.fieldRef?.fieldPath === 'metadata.namespace') env[e.name] = namespace;
    else if (e.valueFrom?.secretKeyRef) {
      const { name, key } = e.valueFrom.secretKeyRef;
      const value = (await readCore(server, namespace, 'secrets', name)).data?.[key];
      if (value === undefined) throw new Error(`Job ${job.metadata.name}: env ${e.name} reads key ${key} of Secret ${namespace}/${name}, which the server does not hold (the pod would not start)`);
      env[e.name] = Buffer.from(value, 'base64').toString('utf8');
    } else throw new Error(`Job ${job.metadata.name}: env ${e.name} is neither a value, the namespace nor a Secret key`);
  }
  return env;
}

/**
 * Runs the pod of an applied Job (its ServiceAccount, Roles and bindings applied with it) and writes the
 * Job's end: Complete when the script exits 0, Failed otherwise. Returns what the script printed.
 */
export async function runJobPod(server: RealApiServer, job: KubeObject, opts: { readonly timeoutMs?: number } = {}): Promise<ScriptResult> {
  const root = await mkdtemp(join(tmpdir(), 'tsm-job-pod-'));
  try {
    const namespace = job.metadata.namespace!;
    const mounts = await mountVolumes(server, job, root);
    const env = await resolveEnv(server, job, mounts);
    const token = await server.serviceAccountToken(namespace, podSpecOf(job).serviceAccountName);
    const kubeconfig = await server.kubeconfig({ token, namespace });
    const result = await runScript(jobScript(job), { ...env, KUBECONFIG: kubeconfig, HOME: root }, { timeoutMs: opts.timeoutMs ?? 90_000, pathPrefix: [dirname(server.kubectl)] });
    await completeJob(adminEndpoint(server), namespace, job.metadata.name, result.code === 0 ? 'Complete' : 'Failed');
    return result;
  } finally {
    await rm(root, { recursive: true, force: true });
  }
}
