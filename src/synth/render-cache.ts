/**
 * The folder states of a plan as `synthesize` renders them, kept between runs of `diff` and `status` so a
 * run whose plan and build were rendered before loads no cdk8s and runs no chart: one JSON file per key in
 * the user's cache folder (`$XDG_CACHE_HOME/threescale-migrate/render`, default `~/.cache/...`;
 * `THREESCALE_MIGRATE_CACHE_DIR` overrides it, `off` disables it).
 *
 * The key is a sha256 of what rendering reads: the build (BUILD_ID, set only in the CLI bundles; without it
 * nothing is cached), the plan with its defaults (gitops included), its digest, and the chart scripts the
 * Jobs embed. A file that is missing, unreadable, of another format or for other folders is a miss: the
 * states are rendered and the file written again (through a temporary file and a rename). The states hold
 * no secret value (a plan records none). At most {@link KEEP} files are kept, the oldest removed first.
 */
import { createHash } from 'node:crypto';
import { mkdirSync, readdirSync, readFileSync, renameSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { join } from 'node:path';
import type { KubeObject } from '../kube/kube-object.js';
import { plannedPhases } from '../phases/registry.js';
import type { LoadedPlan } from '../plan/load-plan.js';
import { BUILD_ID } from '../util/build-id.js';
import { listPackageFolder, readPackageFile } from '../util/package-files.js';
import { type FolderState, type OutputFile, type SynthResult, synthResult } from './synthesize.js';

const FORMAT = 'render-cache/1';
const KEEP = 32;
/** Folders of the chart scripts a Job embeds (read by charts/constructs/migration-job.ts). */
const SCRIPT_FOLDERS = ['charts/scripts', 'charts/scripts/lib', 'charts/scripts/kube'];

/** One folder state as stored: `own` as positions in `objects` where it is one of them (identity kept). */
interface StoredState {
  readonly folder: string;
  readonly objects: readonly KubeObject[];
  readonly own: readonly (number | KubeObject)[];
  readonly extraFiles: readonly OutputFile[];
  readonly released?: FolderState['released'];
}

interface Stored {
  readonly format: string;
  readonly forward: readonly StoredState[];
  readonly rollbacks: readonly StoredState[];
}

/** Where the cache lives, or undefined when disabled. */
export function renderCacheDir(env: NodeJS.ProcessEnv = process.env): string | undefined {
  const override = env['THREESCALE_MIGRATE_CACHE_DIR'];
  if (override === 'off') return undefined;
  if (override) return join(override, 'render');
  return join(env['XDG_CACHE_HOME'] || join(homedir(), '.cache'), 'threescale-migrate', 'render');
}

/**
 * The states of `loaded` from the cache, else rendered by `render` and stored. `buildId` undefined (sources,
 * tests of the library, the release file) or no cache folder: rendered every time.
 */
export async function cachedSynthesis(
  loaded: LoadedPlan,
  render: () => Promise<SynthResult>,
  options: { readonly buildId?: string; readonly dir?: string } = { buildId: BUILD_ID, dir: renderCacheDir() },
): Promise<SynthResult> {
  const { buildId, dir } = options;
  if (buildId === undefined || dir === undefined) return render();
  let file: string;
  try {
    file = join(dir, `${renderKey(loaded, buildId)}.json`);
  } catch {
    return render();
  }
  const hit = readStored(file, loaded);
  if (hit) return hit;
  const result = await render();
  store(dir, file, result);
  return result;
}

/** sha256 of everything rendering reads. */
export function renderKey(loaded: LoadedPlan, buildId: string): string {
  const hash = createHash('sha256').update(`${FORMAT}\0${buildId}\0${loaded.sha256}\0${JSON.stringify(loaded.plan)}\0`);
  for (const folder of SCRIPT_FOLDERS) {
    for (const name of listPackageFolder(folder)) {
      const path = `${folder}/${name}`;
      if (!SCRIPT_FOLDERS.includes(path)) hash.update(`${path}\0${readPackageFile(path)}\0`);
    }
  }
  return hash.digest('hex');
}

function readStored(file: string, loaded: LoadedPlan): SynthResult | undefined {
  let stored: Stored;
  try {
    stored = JSON.parse(readFileSync(file, 'utf8')) as Stored;
  } catch {
    return undefined;
  }
  if (stored?.format !== FORMAT || !Array.isArray(stored.forward) || !Array.isArray(stored.rollbacks)) return undefined;
  const phases = plannedPhases(loaded.plan);
  const withRollback = phases.filter((p) => p.definition.rollback !== undefined);
  if (stored.forward.length !== phases.length || stored.rollbacks.length !== withRollback.length) return undefined;
  const forward = phases.map((phase, i) => restore(stored.forward[i]!, phase, false));
  const rollbacks = withRollback.map((phase, i) => restore(stored.rollbacks[i]!, phase, true));
  if ([...forward, ...rollbacks].some((s) => s === undefined)) return undefined;
  return synthResult(loaded, forward as FolderState[], rollbacks as FolderState[]);
}

function restore(stored: StoredState, phase: FolderState['phase'], rollback: boolean): FolderState | undefined {
  const folder = rollback ? `rollback/${phase.folder}` : phase.folder;
  if (stored.folder !== folder || !Array.isArray(stored.objects) || !Array.isArray(stored.own) || !Array.isArray(stored.extraFiles)) return undefined;
  const objects: readonly KubeObject[] = stored.objects;
  const own = stored.own.map((o): KubeObject | undefined => (typeof o === 'number' ? objects[o] : (o as KubeObject)));
  if (own.some((o) => o === undefined)) return undefined;
  if (stored.released !== undefined && !Array.isArray(stored.released)) return undefined;
  return { phase, rollback, folder, objects, own: own as KubeObject[], extraFiles: stored.extraFiles, ...(stored.released ? { released: stored.released } : {}) };
}

function store(dir: string, file: string, result: SynthResult): void {
  const state = (s: FolderState): StoredState => ({
    folder: s.folder,
    objects: s.objects,
    own: s.own.map((o) => {
      const at = s.objects.indexOf(o);
      return at >= 0 ? at : o;
    }),
    extraFiles: s.extraFiles,
    ...(s.released ? { released: s.released } : {}),
  });
  const stored: Stored = { format: FORMAT, forward: result.forward.map(state), rollbacks: result.rollbacks.map(state) };
  const temp = `${file}.${process.pid}.tmp`;
  try {
    mkdirSync(dir, { recursive: true });
    writeFileSync(temp, JSON.stringify(stored));
    renameSync(temp, file);
    prune(dir);
  } catch {
    // A cache that cannot be written costs the next run its rendering, nothing else.
    rmSync(temp, { force: true });
  }
}

/** Keeps the {@link KEEP} newest files. */
function prune(dir: string): void {
  const files = readdirSync(dir)
    .filter((f) => f.endsWith('.json'))
    .map((f) => ({ path: join(dir, f), at: statSync(join(dir, f)).mtimeMs }))
    .sort((a, b) => b.at - a.at);
  for (const f of files.slice(KEEP)) rmSync(f.path, { force: true });
}
