import { existsSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { parseAllDocuments } from 'yaml';
import { migrationOf, phaseOf } from '../contract/on-cluster.js';
import { UserError } from '../errors.js';
import { POINTER_FILES, POINTER_PHASE_ANNOTATION } from '../gitops/render-gitops.js';


/** What `synth` wrote and what the GitOps engine therefore applies. */
export interface SynthesizedTarget {
  /** The folder `synth` wrote (its `--out`). */
  readonly dir: string;
  /** The engine whose wiring the folder holds, or null when it holds none (folders applied by hand). */
  readonly engine: 'argocd' | 'flux' | null;
  /** The folder the pointer reconciles (`02-scale-down`, `rollback/05-cutover`), or null without wiring. */
  readonly folder: string | null;
}

/**
 * Reads the target from a synthesized folder (`--dir`): the folder its GitOps pointer (annotation
 * {@link POINTER_PHASE_ANNOTATION}) names for this migration, or none when the folder holds no wiring (its
 * phase folders are applied by hand).
 */
export function readSynthesizedTarget(dir: string, migration: string): SynthesizedTarget {
  if (!existsSync(dir)) throw new UserError(`--dir: ${dir} does not exist; expected the folder synth wrote (its --out).`);
  if (!statSync(dir).isDirectory()) throw new UserError(`--dir: ${dir} is not a folder; expected the folder synth wrote (its --out).`);
  const found = (['argocd', 'flux'] as const).filter((engine) => existsSync(join(dir, POINTER_FILES[engine])));
  if (found.length > 1) throw new UserError(`${dir}/gitops: ${found.map((e) => join(dir, POINTER_FILES[e])).join(' and ')} both point at a folder; expected the wiring of one engine (run synth again).`);
  const engine = found[0];
  if (engine === undefined) return { dir, engine: null, folder: null };
  return { dir, engine, folder: pointedFolder(join(dir, POINTER_FILES[engine]), migration) };
}

/** The folder one pointer file names, checked to be this migration's only pointer. */
function pointedFolder(file: string, migration: string): string {
  const docs = parseAllDocuments(readFileSync(file, 'utf8')).map((d) => d.toJS() as { metadata?: { labels?: Record<string, string>; annotations?: Record<string, string> } } | null);
  if (docs.length !== 1 || docs[0] === null) throw new UserError(`${file}: expected exactly one object, the migration's pointer (run synth again).`);
  const owner = migrationOf(docs[0]);
  if (owner !== migration) throw new UserError(`${file}: wiring of migration "${owner ?? '(none)'}", not of "${migration}"; expected --dir to name the folder synth wrote from this plan.`);
  const folder = phaseOf(docs[0]);
  if (!folder) throw new UserError(`${file}: metadata.annotations.${POINTER_PHASE_ANNOTATION}: expected the folder the pointer points at (run synth again).`);
  return folder;
}
