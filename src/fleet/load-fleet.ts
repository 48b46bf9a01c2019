import { dirname, isAbsolute, join } from 'node:path';
import { UserError } from '../errors.js';
import { PLAN_API_VERSION } from '../plan/plan-schema.js';
import { readPlanYaml } from '../plan/plan-yaml.js';
import { describe, parseWithSchema } from '../plan/zod-issue.js';
import { readUserFile } from '../util/read-user-file.js';
import { type Fleet, type FleetCluster, FLEET_KIND, fleetSchema } from './fleet-schema.js';

/** A validated fleet file and where it came from. */
export interface LoadedFleet {
  readonly fleet: Fleet;
  /** Path as the user gave it, used in messages. */
  readonly path: string;
}

/** One cluster of a fleet with what the commands need to reach it. */
export interface ResolvedCluster {
  readonly cluster: FleetCluster;
  /** Index in spec.clusters, for messages. */
  readonly index: number;
  /** The plan file, resolved against the fleet file's folder. */
  readonly planPath: string;
  /** The kubeconfig context (the cluster's `context`, else its name). */
  readonly context: string;
  /** The wave it is in and that wave's position. */
  readonly wave: string;
  readonly waveIndex: number;
}

const MAX_FLEET_BYTES = 1024 * 1024;

/** Reads, parses and validates a fleet file; every failure is one sentence naming the file and field. */
export function loadFleetFile(path: string): LoadedFleet {
  return parseFleet(readUserFile(path, MAX_FLEET_BYTES, { noun: 'fleet file', example: 'fleet.yaml' }).toString('utf8'), path);
}

/** Parses and validates fleet text; `path` names the source in messages. */
export function parseFleet(text: string, path: string): LoadedFleet {
  if (text.includes('\u0000') || text.includes('\uFFFD')) throw new UserError(`${path}: the fleet file is not UTF-8 text; expected a YAML document.`);
  const raw = readPlanYaml(text, path);
  if (raw === null || typeof raw !== 'object' || Array.isArray(raw)) {
    throw new UserError(`${path}: the file holds ${describe(raw)}; expected a Fleet mapping with apiVersion, kind, metadata and spec.`);
  }
  const { apiVersion, kind } = raw as { apiVersion?: unknown; kind?: unknown };
  if (apiVersion !== PLAN_API_VERSION) throw new UserError(`${path}: apiVersion: expected "${PLAN_API_VERSION}", got ${describe(apiVersion)}.`);
  if (kind !== FLEET_KIND) throw new UserError(`${path}: kind: expected "${FLEET_KIND}", got ${describe(kind)}.`);
  const fleet = parseWithSchema(fleetSchema, raw, path);
  checkFleet(fleet, path);
  return { fleet, path };
}

/** What the schema cannot say: unique names, every cluster in exactly one wave, one entry per destination. */
function checkFleet(fleet: Fleet, path: string): void {
  const { clusters, waves } = fleet.spec;
  firstRepeat(clusters.map((c) => c.name), (i, j, name) => `${path}: spec.clusters[${j}].name: "${name}" is also spec.clusters[${i}].name; expected each cluster once.`);
  firstRepeat(waves.map((w) => w.name), (i, j, name) => `${path}: spec.waves[${j}].name: "${name}" is also spec.waves[${i}].name; expected each wave once.`);
  const names = clusters.map((c) => c.name);
  const placed = new Map<string, string>();
  waves.forEach((w, i) =>
    w.clusters.forEach((c, j) => {
      const field = `${path}: spec.waves[${i}].clusters[${j}]`;
      if (!names.includes(c)) throw new UserError(`${field}: "${c}" is not a cluster of spec.clusters; expected one of ${names.join(', ')}.`);
      const earlier = placed.get(c);
      if (earlier !== undefined) throw new UserError(`${field}: "${c}" is also in wave ${earlier}; expected each cluster in exactly one wave.`);
      placed.set(c, w.name);
    }),
  );
  const missing = names.find((n) => !placed.has(n));
  if (missing) throw new UserError(`${path}: spec.waves: cluster "${missing}" is in no wave; expected each cluster in exactly one wave.`);
  // Two entries reaching one cluster would give it two pointers: two active phases on one cluster.
  const destination = (label: string, of: (c: FleetCluster) => string | undefined) =>
    firstRepeat(clusters.map(of), (i, j, value) => `${path}: spec.clusters[${j}].${label}: ${value} is also spec.clusters[${i}]'s; expected one entry per cluster (two pointers on one cluster would make two phases active).`);
  destination('argocd', (c) => (c.argocd ? (c.argocd.name !== undefined ? `name "${c.argocd.name}"` : `server ${c.argocd.server}`) : undefined));
  destination('flux.kubeConfig.secretRef', (c) => (c.flux ? `Secret "${c.flux.kubeConfig.secretRef.name}"${c.flux.kubeConfig.secretRef.key ? ` key ${c.flux.kubeConfig.secretRef.key}` : ''}` : undefined));
  destination('context', (c) => `context "${c.context ?? c.name}"`);
}

/** Throws the message of the first value seen twice (undefined values are skipped). */
function firstRepeat(values: readonly (string | undefined)[], message: (first: number, again: number, value: string) => string): void {
  const seen = new Map<string, number>();
  values.forEach((v, j) => {
    if (v === undefined) return;
    const i = seen.get(v);
    if (i !== undefined) throw new UserError(message(i, j, v));
    seen.set(v, j);
  });
}

/** Every cluster in wave order, with its plan path, context and wave. */
export function fleetClusters(loaded: LoadedFleet): ResolvedCluster[] {
  const { clusters, waves } = loaded.fleet.spec;
  const base = dirname(loaded.path);
  return waves.flatMap((w, waveIndex) =>
    w.clusters.map((name) => {
      const index = clusters.findIndex((c) => c.name === name);
      const cluster = clusters[index]!;
      return { cluster, index, planPath: isAbsolute(cluster.plan) ? cluster.plan : join(base, cluster.plan), context: cluster.context ?? cluster.name, wave: w.name, waveIndex };
    }),
  );
}

/** The cluster named `name`, or a refusal naming the flag and the clusters there are. */
export function findCluster(loaded: LoadedFleet, name: string, flag: string): ResolvedCluster {
  const all = fleetClusters(loaded);
  const found = all.find((c) => c.cluster.name === name);
  if (!found) throw new UserError(`${flag}: "${name}" is not a cluster of ${loaded.path}; expected one of ${all.map((c) => c.cluster.name).join(', ')}.`);
  return found;
}
