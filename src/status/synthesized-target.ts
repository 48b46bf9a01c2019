import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { parseAllDocuments } from 'yaml';
import { UserError } from '../errors.js';

const MIGRATION = 'threescale-migrate.3scale.net/migration';
const STATE = 'threescale-migrate.3scale.net/state';
const PHASE = 'threescale-migrate.3scale.net/phase';
const ENGINES = ['argocd', 'flux'] as const;

/** What `synth` wrote and what the GitOps engine therefore applies. */
export interface SynthesizedTarget {
  /** The folder `synth` wrote (its `--out`). */
  readonly dir: string;
  /** The engine whose wiring the folder holds, or null when it holds none (folders applied by hand). */
  readonly engine: 'argocd' | 'flux' | null;
  /** The folder the wiring reconciles (`02-scale-down`, `rollback/05-cutover`), or null without wiring. */
  readonly folder: string | null;
}

/**
 * Reads the target from a synthesized folder (`--dir`): the phase folder its GitOps wiring marks active for
 * this migration, or none when the folder holds no wiring (its phase folders are applied by hand).
 */
export function readSynthesizedTarget(dir: string, migration: string): SynthesizedTarget {
  if (!existsSync(dir)) throw new UserError(`--dir: ${dir} does not exist; expected the folder synth wrote (its --out).`);
  if (!statSync(dir).isDirectory()) throw new UserError(`--dir: ${dir} is not a folder; expected the folder synth wrote (its --out).`);
  const found: { engine: 'argocd' | 'flux'; folder: string; file: string }[] = [];
  for (const engine of ENGINES) {
    for (const file of yamlFiles(join(dir, 'gitops', engine))) {
      for (const doc of parseAllDocuments(readFileSync(file, 'utf8'))) {
        const o = doc.toJS() as { metadata?: { labels?: Record<string, string>; annotations?: Record<string, string> } } | null;
        const annotations = o?.metadata?.annotations ?? {};
        if (o?.metadata?.labels?.[MIGRATION] !== migration && annotations[STATE] !== undefined) {
          throw new UserError(`${file}: wiring of migration "${o?.metadata?.labels?.[MIGRATION] ?? '(none)'}", not of "${migration}"; expected --dir to name the folder synth wrote from this plan.`);
        }
        if (annotations[STATE] === 'active' && annotations[PHASE]) found.push({ engine, folder: annotations[PHASE], file });
      }
    }
  }
  if (found.length > 1) throw new UserError(`${dir}/gitops: ${found.map((f) => f.file).join(' and ')} are both active; expected exactly one active phase (run synth again).`);
  const active = found[0];
  return { dir, engine: active?.engine ?? null, folder: active?.folder ?? null };
}

function yamlFiles(dir: string): string[] {
  if (!existsSync(dir)) return [];
  return readdirSync(dir, { recursive: true, encoding: 'utf8' })
    .filter((f) => /\.ya?ml$/.test(f))
    .sort()
    .map((f) => join(dir, f));
}
