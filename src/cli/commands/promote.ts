import { type Command, Option } from 'commander';
import { addCompareOptions, type CompareFlags, compareOptions } from './cluster-options.js';

/** `promote`: move the GitOps pointer to a folder when the cluster shows every earlier phase done. */
export function registerPromote(program: Command): void {
  addCompareOptions(
    program
      .command('promote')
      .description('point the GitOps wiring at the next folder, only when status shows every earlier phase done (exit 1 and why otherwise)')
      .option('--to <phase>', 'the folder to point at: a phase id or rollback/<id> (default with --check: the one the wiring in --out points at)')
      .option('--out <dir>', 'the folder synth wrote (its --out), re-synthesized with the pointer moved', 'dist')
      .addOption(new Option('--gitops <engine>', 'the wiring to rewrite (default: the engine whose pointer --out holds)').choices(['argocd', 'flux']))
      .option('--check', 'only judge the move, write nothing (for a pull request check)'),
  ).action(async (flags: CompareFlags & { to?: string; out: string; gitops?: 'argocd' | 'flux'; check?: boolean }) => {
    const { runPromote } = await import('../../gitops/run-promote.js');
    const r = await runPromote({ ...compareOptions(flags), to: flags.to, outDir: flags.out, gitops: flags.gitops, check: flags.check === true });
    if (!r.verdict.allowed) {
      process.stdout.write(`refused: not moving to ${r.target}: ${r.verdict.reason}\n`);
      process.exitCode = 1;
      return;
    }
    process.stdout.write(`${flags.check ? 'allowed' : 'promoted'}: ${r.target}: ${r.verdict.reason}\n`);
    if (r.synthSummary) process.stdout.write(`${r.synthSummary}commit ${flags.out}/ to let the GitOps engine apply it\n`);
  });
}
