import { existsSync, mkdirSync, readdirSync, statSync } from 'node:fs';
import { basename, extname, join } from 'node:path';
import { Document } from 'yaml';
import { UserError } from '../errors.js';
import { PLAN_API_VERSION } from '../plan/plan-schema.js';
import { FLEET_KIND, FLEET_WIRING_FOLDER } from './fleet-schema.js';
import { parseFleet } from './load-fleet.js';

/** Options of `discover --fleet`. */
export interface FleetDiscoverOptions {
  /** A folder of exports, one file (or one folder) per cluster, named after the cluster; otherwise the contexts. */
  readonly fromFile?: string;
  readonly kubeconfig?: string;
  /** Contexts to read, one cluster each. @default every context of the kubeconfig */
  readonly contexts?: readonly string[];
  /** 3scale's namespace on every cluster; default: each context's, or the export's APIManager's. */
  readonly namespace?: string;
  readonly operatorNamespace?: string;
  readonly targetNamespace?: string;
  /** The fleet's name. @default fleet */
  readonly name?: string;
  /** `name=c1,c2` each, in order; default: one wave per cluster, in the order found. */
  readonly waves?: readonly string[];
  /** The folder to write `fleet.yaml` and `clusters/<name>/migration.yaml` into. */
  readonly out: string;
  readonly force?: boolean;
  readonly requestTimeoutMs?: number;
}

/** One cluster to discover: its name and where it is read from. */
interface Source {
  readonly name: string;
  readonly fromFile?: string;
  readonly context?: string;
  /** The API server URL (contexts only): how Argo CD reaches it. */
  readonly server?: string;
}

const DNS_LABEL = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/;

/**
 * Discovers every cluster of a fleet (`discover` per cluster, each plan named after its cluster) and writes
 * the fleet file beside the plans. Nothing is written while any target file exists (unless --force) or any
 * cluster fails to be read: a partial fleet is never left behind by a refusal.
 */
export async function runFleetDiscover(options: FleetDiscoverOptions): Promise<string> {
  if (options.out === '-') throw new UserError('--out: with --fleet, expected a folder to write fleet.yaml and one plan per cluster into (not -).');
  const sources = options.fromFile ? exportSources(options.fromFile) : await contextSources(options);
  const planPath = (s: Source) => join('clusters', s.name, 'migration.yaml');
  const fleetText = fleetDocument(options, sources, planPath);
  const targets = [join(options.out, 'fleet.yaml'), ...sources.map((s) => join(options.out, planPath(s)))];
  if (!options.force) {
    const existing = targets.find((t) => existsSync(t));
    if (existing) throw new UserError(`${existing}: exists and may hold edits; expected a path that does not exist yet, or --force to overwrite it.`);
  }
  const { discoverPlanText, writePlanFile } = await import('../discover/run-discover.js');
  // Read every cluster before writing anything.
  const texts: string[] = [];
  for (const s of sources) {
    texts.push(await discoverPlanText({ ...options, fromFile: s.fromFile, context: s.context, name: s.name, out: join(options.out, planPath(s)) }));
  }
  const lines: string[] = [];
  sources.forEach((s, i) => {
    const path = join(options.out, planPath(s));
    mkdirSync(join(options.out, 'clusters', s.name), { recursive: true });
    writePlanFile(path, texts[i]!, options.force === true);
    lines.push(`wrote ${path} (cluster ${s.name}, from ${s.fromFile ?? `context ${s.context}`})`);
  });
  writePlanFile(targets[0]!, fleetText, options.force === true);
  lines.push(`wrote ${targets[0]}: ${sources.length} clusters; review the waves and how the engines reach each cluster (argocd, flux)`);
  return lines.join('\n') + '\n';
}

/** One cluster per file or folder of the exports folder, named after it (without extension). */
function exportSources(folder: string): Source[] {
  let entries: string[];
  try {
    if (!statSync(folder).isDirectory()) throw new UserError(`--live-file ${folder}: with --fleet, expected a folder holding one export per cluster (dev.yaml, prod-eu.yaml, ...).`);
    entries = readdirSync(folder).sort();
  } catch (err) {
    if (UserError.isUserError(err)) throw err;
    throw new UserError(`--live-file ${folder}: cannot read the folder (${(err as NodeJS.ErrnoException).code ?? 'error'}); expected a folder holding one export per cluster.`);
  }
  const sources = entries
    .filter((e) => !e.startsWith('.') && (statSync(join(folder, e)).isDirectory() || ['.yaml', '.yml', '.json'].includes(extname(e))))
    .map((e) => ({ name: basename(e, extname(e)), fromFile: join(folder, e) }));
  if (sources.length === 0) throw new UserError(`--live-file ${folder}: holds no .yaml, .yml or .json export; expected one export per cluster, named after the cluster.`);
  for (const s of sources) checkClusterName(s.name, `--live-file ${s.fromFile}`);
  return sources;
}

/** One cluster per kubeconfig context (the listed ones, else all), named after the context. */
async function contextSources(options: FleetDiscoverOptions): Promise<Source[]> {
  // Loaded lazily: the Kubernetes client is not needed to read exports.
  const { resolveKubeConfig } = await import('../live/kube-client.js');
  const resolved = resolveKubeConfig({ kubeconfig: options.kubeconfig, context: options.contexts?.[0] });
  const kc = resolved.kubeConfig;
  const names = options.contexts ?? kc.getContexts().map((c) => c.name);
  return names.map((name) => {
    const context = kc.getContextObject(name);
    if (!context) throw new UserError(`--contexts: context ${name} is not defined in the kubeconfig; expected one of ${kc.getContexts().map((c) => c.name).join(', ')}.`);
    checkClusterName(name, `--contexts: context ${name}`);
    return { name, context: name, server: kc.getCluster(context.cluster)?.server };
  });
}

function checkClusterName(name: string, where: string): void {
  if (!DNS_LABEL.test(name) || name.length > 63 || name === FLEET_WIRING_FOLDER) {
    throw new UserError(`${where}: "${name}" cannot name a cluster; expected a DNS-1123 label other than "${FLEET_WIRING_FOLDER}" (lower-case letters, digits and "-"): rename the file or context.`);
  }
}

/** The fleet file: the clusters, how each engine reaches them (to review), the waves. */
function fleetDocument(options: FleetDiscoverOptions, sources: readonly Source[], planPath: (s: Source) => string): string {
  const fleet = {
    apiVersion: PLAN_API_VERSION,
    kind: FLEET_KIND,
    metadata: { name: options.name ?? 'fleet' },
    spec: {
      clusters: sources.map((s) => ({
        name: s.name,
        plan: planPath(s),
        ...(s.context && s.context !== s.name ? { context: s.context } : {}),
        argocd: s.server ? { server: s.server } : { name: s.name },
        flux: { kubeConfig: { secretRef: { name: `${s.name}-kubeconfig` } } },
      })),
      waves: parseWaves(options.waves, sources.map((s) => s.name)),
      gate: { passedPhase: 'verify' },
    },
  };
  const doc = new Document(fleet);
  doc.commentBefore = [
    ` Written by threescale-migrate discover --fleet from ${options.fromFile ?? 'the kubeconfig contexts'}.`,
    ' Review: the waves, and how the management cluster reaches each cluster (argocd: the name it is',
    ' registered under in Argo CD, or its server; flux: the Secret holding its kubeconfig).',
  ].join('\n');
  const text = doc.toString({ lineWidth: 0 });
  parseFleet(text, join(options.out, 'fleet.yaml'));
  return text;
}

/** `--wave name=c1,c2` flags to waves; without any, one wave per cluster named after it. */
function parseWaves(flags: readonly string[] | undefined, clusters: readonly string[]): { name: string; clusters: string[] }[] {
  if (!flags?.length) return clusters.map((c) => ({ name: c, clusters: [c] }));
  return flags.map((flag) => {
    const match = /^([^=]+)=(.+)$/.exec(flag);
    if (!match) throw new UserError(`--wave ${flag}: expected name=cluster,cluster such as prod=prod-eu,prod-us.`);
    return { name: match[1]!, clusters: match[2]!.split(',').map((c) => c.trim()) };
  });
}
