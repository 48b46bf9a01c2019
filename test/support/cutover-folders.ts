/**
 * What the cut-over folder and its rollback (and the rollback of prepare) say and render, read back from a synth: the words (plan view,
 * PHASE.md of both folders) and the objects (the rewrite and restore Jobs' env, the APIManager overlay's
 * flags, the replica overlays of the old servers), so a spec can compare them with the movers' switches.
 */
import { join } from 'node:path';
import type { KubeObject } from '../../src/kube/kube-object.js';
import type { LoadedPlan } from '../../src/plan/load-plan.js';
import type { MigrationPlan } from '../../src/plan/plan-schema.js';
import { renderPlanView } from '../../src/plan-view/render-plan-view.js';
import { type FolderState, type SynthResult, synthesize } from '../../src/synth/synthesize.js';
import { EXAMPLES, loadExample, loadMigrationPlan, ROOT } from './plans.js';

/** Every example of the externalization, by name: the bundled ones and examples/sentinel-redis. */
export const MIGRATION_EXAMPLES: readonly (readonly [string, () => LoadedPlan<MigrationPlan>])[] = [
  ...EXAMPLES.map((name) => [name, () => loadExample(name)] as const),
  ['sentinel-redis', () => loadMigrationPlan(join(ROOT, 'examples', 'sentinel-redis', 'migration.yaml'))],
];

/** What one folder (the cut-over or its rollback) renders of the switches. */
export interface SwitchObjects {
  /** The Job's env value, one line per rewrite (`secret key template`) or the restored Secrets' names. */
  readonly env: string | undefined;
  /** `system.database`-style flags the APIManager overlay sets, with their value. */
  readonly flags: Readonly<Record<string, boolean>>;
  /** Replica counts of the Deployments (or DeploymentConfigs) the folder itself overlays. */
  readonly replicas: Readonly<Record<string, number>>;
}

/** The cut-over as a synth renders it. */
export interface CutoverFolders {
  readonly view: string;
  readonly readme: string;
  readonly rollbackReadme: string;
  readonly cutover: SwitchObjects;
  readonly rollback: SwitchObjects;
}

type Env = { name: string; value?: string }[];

/** The value of one env var of an own Job of a folder. */
function jobEnv(state: FolderState | undefined, job: string, name: string): string | undefined {
  const o = state?.own.find((x) => x.kind === 'Job' && x.metadata.name === job) as { spec?: { template?: { spec?: { containers?: { env?: Env }[] } } } } | undefined;
  return o?.spec?.template?.spec?.containers?.[0]?.env?.find((e) => e.name === name)?.value;
}

/** The flags of the APIManager overlay a folder renders, as `component.kind: value`. */
function apiManagerFlags(state: FolderState | undefined): Record<string, boolean> {
  const o = state?.own.find((x) => x.kind === 'APIManager') as (KubeObject & { spec?: { externalComponents?: Record<string, Record<string, boolean>> } }) | undefined;
  const out: Record<string, boolean> = {};
  for (const [component, kinds] of Object.entries(o?.spec?.externalComponents ?? {})) for (const [kind, value] of Object.entries(kinds)) out[`${component}.${kind}`] = value;
  return out;
}

/** Replica counts of the workloads a folder itself overlays. */
function ownReplicas(state: FolderState | undefined): Record<string, number> {
  const out: Record<string, number> = {};
  for (const o of state?.own ?? []) {
    const replicas = (o as { spec?: { replicas?: number } }).spec?.replicas;
    if ((o.kind === 'Deployment' || o.kind === 'DeploymentConfig') && replicas !== undefined) out[o.metadata.name] = replicas;
  }
  return out;
}

/** Synthesizes the plan and reads back its cut-over and the rollback of it. */
export async function renderCutover(loaded: LoadedPlan<MigrationPlan>): Promise<CutoverFolders> {
  const result = await synthesize(loaded);
  const forward = result.forward.find((s) => s.phase.definition.id === 'cutover');
  const rollback = result.rollbacks.find((s) => s.phase.definition.id === 'cutover');
  const readme = (state: FolderState | undefined) => result.files.find((f) => state && f.path === `${state.folder}/PHASE.md`)?.content ?? '';
  return {
    view: renderPlanView(loaded.plan, 'text'),
    readme: readme(forward),
    rollbackReadme: readme(rollback),
    cutover: { env: jobEnv(forward, 'rewrite-connection-secrets', 'REWRITES'), flags: apiManagerFlags(forward), replicas: ownReplicas(forward) },
    rollback: { env: jobEnv(rollback, 'restore-connection-secrets', 'SECRETS'), flags: apiManagerFlags(rollback), replicas: ownReplicas(rollback) },
  };
}

/** The objects the rollback of prepare deletes, one `<namespace> <resource>/<name>` each, or undefined without the Job. */
export function removedByPrepareRollback(result: SynthResult): string[] | undefined {
  const rollback = result.rollbacks.find((s) => s.phase.definition.id === 'prepare');
  return jobEnv(rollback, 'remove-new-databases', 'OBJECTS')?.split('\n');
}
