import { CONNECTION_SECRETS } from '../../contract/on-cluster.js';
import type { KubeObject } from '../../kube/kube-object.js';
import { tryParseQuantity } from '../../diff/quantity.js';
import { installRegistry, operatorNamespace, plannedVolumes, routeHosts } from './fresh-install-facts.js';
import type { FreshInstallPlan } from './fresh-install-plan-schema.js';
import { cpuMillis, installPodRequests, memoryBytes, type PodRequest } from './cluster-requirements.js';

/**
 * The checks a fresh install runs against the live cluster before anything is applied, one per failure of
 * the ROSA field report. Pure: they judge objects already read, so they are tested on plain objects and
 * run the same against the loopback API server and a real cluster.
 */

/** What the checks read. */
export interface ClusterFacts {
  readonly storageClasses: readonly KubeObject[];
  readonly nodes: readonly KubeObject[];
  /** Pods of every namespace (their requests use the nodes' room). */
  readonly pods: readonly KubeObject[];
  /** Routes of every namespace. */
  readonly routes: readonly KubeObject[];
  /** Secrets of the 3scale namespace (only their key names are read). */
  readonly secrets: readonly KubeObject[];
}

/** The verdict of one check of the cluster before a fresh install (`threescale-migrate preflight`). */
export interface ClusterCheck {
  /** Stable id: `storage`, `nodes`, `resources`, `routes`, `secrets`. */
  readonly id: string;
  readonly ok: boolean;
  /** One line: what was found, and for a failure what to change. */
  readonly message: string;
}

/**
 * Provisioners whose volumes attach to one node (block devices): ReadWriteMany is impossible whatever the
 * plan says (the report's "Only AccessModes[ReadWriteOnce] supported" from ebs.csi.aws.com).
 */
const SINGLE_NODE_PROVISIONERS = new Set([
  'ebs.csi.aws.com',
  'kubernetes.io/aws-ebs',
  'pd.csi.storage.gke.io',
  'kubernetes.io/gce-pd',
  'disk.csi.azure.com',
  'kubernetes.io/azure-disk',
  'cinder.csi.openstack.org',
  'openshift-storage.rbd.csi.ceph.com',
  'topolvm.io',
  'lvms.topolvm.io',
]);

/** Runs every check. */
export function checkCluster(plan: FreshInstallPlan, facts: ClusterFacts): ClusterCheck[] {
  return [checkStorage(plan, facts), checkNodes(plan, facts), checkResources(plan, facts), checkRoutes(plan, facts), checkSecrets(plan, facts)];
}

/** Each class the plan uses exists, and a ReadWriteMany claim is not asked of a single-node provisioner. */
export function checkStorage(plan: FreshInstallPlan, facts: ClusterFacts): ClusterCheck {
  const problems: string[] = [];
  const seen: string[] = [];
  for (const v of plannedVolumes(plan)) {
    const live = facts.storageClasses.find((c) => c.metadata.name === v.storageClassName);
    if (!live) {
      problems.push(`${v.field}: storage class "${v.storageClassName}" does not exist (the cluster has ${facts.storageClasses.map((c) => c.metadata.name).sort().join(', ') || 'none'})`);
      continue;
    }
    const provisioner = String((live as { provisioner?: unknown }).provisioner ?? '');
    if (v.accessMode === 'ReadWriteMany' && SINGLE_NODE_PROVISIONERS.has(provisioner)) {
      problems.push(`${v.field}: ${v.claim} asks for ReadWriteMany, but class "${v.storageClassName}" is provisioned by ${provisioner}, which attaches a volume to one node only (use fileStorage kind "s3" or a ReadWriteMany class)`);
      continue;
    }
    seen.push(`${v.claim} ${v.accessMode} on ${v.storageClassName} (${provisioner})`);
  }
  if (problems.length) return { id: 'storage', ok: false, message: problems.join('; ') };
  return { id: 'storage', ok: true, message: seen.length ? seen.join(', ') : 'no volume in the plan (file storage on S3, databases managed elsewhere)' };
}

/** Taints a pod of 3scale does not tolerate (it has no tolerations): NoSchedule and NoExecute. */
function untolerated(node: KubeObject): string[] {
  const taints = ((node.spec as { taints?: { key?: string; effect?: string }[] } | undefined)?.taints ?? []) as { key?: string; effect?: string }[];
  return taints.filter((t) => t.effect === 'NoSchedule' || t.effect === 'NoExecute').map((t) => `${t.key ?? ''}:${t.effect}`);
}

/** Nodes 3scale pods can land on: schedulable, ready, and without a taint they do not tolerate. */
export function schedulableNodes(facts: ClusterFacts): KubeObject[] {
  return facts.nodes.filter((n) => {
    if ((n.spec as { unschedulable?: boolean } | undefined)?.unschedulable) return false;
    const conditions = ((n.status as { conditions?: { type?: string; status?: string }[] } | undefined)?.conditions ?? []) as { type?: string; status?: string }[];
    if (!conditions.some((c) => c.type === 'Ready' && c.status === 'True')) return false;
    return untolerated(n).length === 0;
  });
}

function architectureOf(node: KubeObject): string {
  return (node.status as { nodeInfo?: { architecture?: string } } | undefined)?.nodeInfo?.architecture ?? node.metadata.labels?.['kubernetes.io/arch'] ?? 'unknown';
}

/** Every node 3scale can run on has an architecture the plan checked the images for. */
export function checkNodes(plan: FreshInstallPlan, facts: ClusterFacts): ClusterCheck {
  const nodes = schedulableNodes(facts);
  if (nodes.length === 0) {
    const tainted = facts.nodes.filter((n) => untolerated(n).length).map((n) => `${n.metadata.name} (${untolerated(n).join(', ')})`);
    return { id: 'nodes', ok: false, message: `no ready, schedulable node without an untolerated taint${tainted.length ? `; tainted: ${tainted.join(', ')}` : ''}` };
  }
  const wanted = plan.spec.images.architectures;
  const other = nodes.filter((n) => !wanted.includes(architectureOf(n) as never));
  if (other.length) {
    return {
      id: 'nodes',
      ok: false,
      message: `${other.map((n) => `${n.metadata.name} is ${architectureOf(n)}`).join(', ')}, but spec.images.architectures lists ${wanted.join(', ')}: add it, so the images are checked for it (images from ${installRegistry(plan)})`,
    };
  }
  const archs = [...new Set(nodes.map(architectureOf))].sort();
  return { id: 'nodes', ok: true, message: `${nodes.length} schedulable node(s), ${archs.join(', ')}` };
}

/** Free room of a node: allocatable minus the requests of its running pods. */
interface Room {
  readonly node: string;
  cpuMillis: number;
  memoryBytes: number;
}

function podRequests(pod: KubeObject): { cpu: number; memory: number } {
  const containers = ((pod.spec as { containers?: { resources?: { requests?: Record<string, string> } }[] } | undefined)?.containers ?? []) as { resources?: { requests?: Record<string, string> } }[];
  let cpu = 0;
  let memory = 0;
  for (const c of containers) {
    const cq = tryParseQuantity(c.resources?.requests?.cpu);
    const mq = tryParseQuantity(c.resources?.requests?.memory);
    if (cq) cpu += cpuMillis(cq);
    if (mq) memory += memoryBytes(mq);
  }
  return { cpu, memory };
}

function freeRoom(facts: ClusterFacts): Room[] {
  return schedulableNodes(facts).map((n) => {
    const alloc = ((n.status as { allocatable?: Record<string, string> } | undefined)?.allocatable ?? {}) as Record<string, string>;
    const room: Room = { node: n.metadata.name, cpuMillis: alloc.cpu ? cpuMillis(alloc.cpu) : 0, memoryBytes: alloc.memory ? memoryBytes(alloc.memory) : 0 };
    for (const p of facts.pods) {
      const phase = (p.status as { phase?: string } | undefined)?.phase;
      if ((p.spec as { nodeName?: string } | undefined)?.nodeName !== n.metadata.name || phase === 'Succeeded' || phase === 'Failed') continue;
      const r = podRequests(p);
      room.cpuMillis -= r.cpu;
      room.memoryBytes -= r.memory;
    }
    return room;
  });
}

const mib = (bytes: number) => `${Math.round(bytes / (1024 * 1024))}Mi`;

/**
 * The install's pods fit on the nodes' free room, largest first, each on the node with the most room left
 * (as spreading schedulers do). A pod that fits nowhere is the report's "Insufficient cpu".
 */
export function checkResources(plan: FreshInstallPlan, facts: ClusterFacts): ClusterCheck {
  const rooms = freeRoom(facts);
  const pods: PodRequest[] = installPodRequests(plan);
  const total = pods.reduce((a, p) => ({ cpu: a.cpu + p.cpuMillis, memory: a.memory + p.memoryBytes }), { cpu: 0, memory: 0 });
  for (const pod of pods) {
    const fits = rooms.filter((r) => r.cpuMillis >= pod.cpuMillis && r.memoryBytes >= pod.memoryBytes).sort((a, b) => b.cpuMillis - a.cpuMillis || b.memoryBytes - a.memoryBytes);
    const room = fits[0];
    if (!room) {
      const best = [...rooms].sort((a, b) => b.cpuMillis - a.cpuMillis)[0];
      return {
        id: 'resources',
        ok: false,
        message: `${pod.pod} requests ${pod.cpuMillis}m CPU and ${mib(pod.memoryBytes)} but no node has that room left once the pods before it are placed (most free: ${best ? `${best.node} ${Math.max(0, best.cpuMillis)}m, ${mib(Math.max(0, best.memoryBytes))}` : 'no schedulable node'}); the install requests ${total.cpu}m CPU and ${mib(total.memory)} in all: add nodes, or set spec.threescale.resourceRequirementsEnabled: false on an evaluation cluster`,
      };
    }
    room.cpuMillis -= pod.cpuMillis;
    room.memoryBytes -= pod.memoryBytes;
  }
  return { id: 'resources', ok: true, message: `${pods.length} pod(s) requesting ${total.cpu}m CPU and ${mib(total.memory)} fit on ${rooms.length} node(s)` };
}

/**
 * The host names zync will give its Routes are not held by another Route (the report's HostAlreadyClaimed).
 * Routes zync itself made in the 3scale namespace (a rerun after the install) are not a conflict.
 */
export function checkRoutes(plan: FreshInstallPlan, facts: ClusterFacts): ClusterCheck {
  const ns = plan.spec.threescale.namespace;
  const conflicts: string[] = [];
  for (const { route, host } of routeHosts(plan)) {
    for (const r of facts.routes) {
      if ((r.spec as { host?: string } | undefined)?.host !== host) continue;
      if (r.metadata.namespace === ns && r.metadata.name.startsWith('zync-')) continue;
      conflicts.push(`${host} (${route}) is held by Route ${r.metadata.namespace}/${r.metadata.name}`);
    }
  }
  if (conflicts.length) return { id: 'routes', ok: false, message: `${conflicts.join('; ')}: zync's Route would be HostAlreadyClaimed; delete that Route or change spec.threescale.wildcardDomain or tenantName` };
  return { id: 'routes', ok: true, message: `the ${routeHosts(plan).length} host names under ${plan.spec.threescale.wildcardDomain} are free` };
}

/** The Secrets the user provides exist with the keys the operator reads (values are never read). */
export function checkSecrets(plan: FreshInstallPlan, facts: ClusterFacts): ClusterCheck {
  const ns = plan.spec.threescale.namespace;
  const required: [string, string[]][] = [];
  const d = plan.spec.databases;
  if (d.system.kind === 'managed') required.push([CONNECTION_SECRETS.systemDatabase.name, [CONNECTION_SECRETS.systemDatabase.url]]);
  if (d.backendRedis.kind === 'managed') required.push([CONNECTION_SECRETS.backendRedis.name, [CONNECTION_SECRETS.backendRedis.storageUrl, CONNECTION_SECRETS.backendRedis.queuesUrl]]);
  if (d.systemRedis.kind === 'managed') required.push([CONNECTION_SECRETS.systemRedis.name, [CONNECTION_SECRETS.systemRedis.url]]);
  const fs = plan.spec.fileStorage;
  if (fs.kind === 's3') required.push([fs.configurationSecretName, ['AWS_BUCKET', 'AWS_REGION']]);
  const problems: string[] = [];
  for (const [name, keys] of required) {
    const secret = facts.secrets.find((s) => s.metadata.name === name);
    if (!secret) {
      problems.push(`Secret ${ns}/${name} does not exist`);
      continue;
    }
    const present = Object.keys({ ...((secret.data as object | undefined) ?? {}), ...((secret.stringData as object | undefined) ?? {}) });
    const missing = keys.filter((k) => !present.includes(k));
    if (missing.length) problems.push(`Secret ${ns}/${name} has no ${missing.join(', ')}`);
  }
  if (problems.length) return { id: 'secrets', ok: false, message: `${problems.join('; ')} (expected before the APIManager phase; the operator stops at the first one missing)` };
  return { id: 'secrets', ok: true, message: required.length ? `${required.map(([n]) => n).join(', ')} present in ${ns}` : `no Secret to provide (operator namespace ${operatorNamespace(plan)})` };
}
