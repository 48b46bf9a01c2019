import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'yaml';
import { UserError } from '../errors.js';
import { type CompareOptions, compareWithLive } from '../status/run-diff.js';
import type { RunSynthOptions } from '../synth/run-synth.js';
import { type PromotionVerdict, promotionGate } from './promotion-gate.js';
import { POINTER_FILES, POINTER_PHASE_ANNOTATION } from './render-gitops.js';

/** Options of {@link runPromote}. */
export interface PromoteOptions extends CompareOptions {
  /** The folder to point at (phase id or rollback/<id>); default: the one the wiring in `outDir` points at. */
  readonly to?: string;
  /** The synthesized output folder. */
  readonly outDir: string;
  /** The engine whose wiring is rewritten; absent with `check`. */
  readonly gitops?: 'argocd' | 'flux';
  /** Only judge, write nothing (a pull request's check). */
  readonly check: boolean;
  /** Passed to synth: rewrites the wiring (`promote --fleet` keeps the pointer aimed at its cluster). */
  readonly wiring?: RunSynthOptions['wiring'];
}

/** What `promote` found and did. */
export interface PromoteResult {
  readonly target: string;
  readonly verdict: PromotionVerdict;
  /** The synth summary, when the pointer was moved. */
  readonly synthSummary?: string;
}

/** The engine whose pointer the wiring in `outDir` holds, if any. */
export function pointerEngine(outDir: string): 'argocd' | 'flux' | undefined {
  return (['argocd', 'flux'] as const).find((engine) => existsSync(join(outDir, POINTER_FILES[engine])));
}

/** The folder the rendered wiring in `outDir` points at (read from the pointer's phase annotation). */
export function pointedFolder(outDir: string): string {
  for (const file of Object.values(POINTER_FILES)) {
    let text: string;
    try {
      text = readFileSync(join(outDir, file), 'utf8');
    } catch {
      continue;
    }
    const folder = (parse(text) as { metadata?: { annotations?: Record<string, string> } } | null)?.metadata?.annotations?.[POINTER_PHASE_ANNOTATION];
    if (!folder) throw new UserError(`${join(outDir, file)}: metadata.annotations.${POINTER_PHASE_ANNOTATION}: expected the folder the pointer points at.`);
    return folder;
  }
  throw new UserError(`${outDir}: no GitOps wiring found (expected ${Object.values(POINTER_FILES).join(' or ')}); give --to <phase>.`);
}

/** Folder name (`NN-id`, `rollback/NN-id`) to the target form synth takes (`id`, `rollback/id`). */
export function asTarget(folder: string): string {
  const rollback = folder.startsWith('rollback/');
  const name = rollback ? folder.slice('rollback/'.length) : folder;
  const id = name.replace(/^\d\d-/, '');
  return rollback ? `rollback/${id}` : id;
}

/**
 * Judges a move of the GitOps pointer against the live state (the same report `status` prints) and, when
 * allowed and not only checking, re-synthesizes the output folder with the pointer at the target.
 */
export async function runPromote(options: PromoteOptions): Promise<PromoteResult> {
  const target = asTarget(options.to ?? pointedFolder(options.outDir));
  const report = await compareWithLive({ ...options, phase: target });
  const verdict = promotionGate(report, target);
  if (!verdict.allowed || options.check) return { target, verdict };
  const gitops = options.gitops ?? pointerEngine(options.outDir);
  if (!gitops) throw new UserError(`--gitops: expected argocd or flux to move the pointer (${options.outDir} holds no GitOps wiring), or --check to only judge.`);
  const { runSynth } = await import('../synth/run-synth.js');
  const synthSummary = await runSynth({ planPath: options.planPath, outDir: options.outDir, gitops, targetPhase: target, versionRequirements: options.versionRequirements, wiring: options.wiring });
  return { target, verdict, synthSummary };
}
