import { type Command, Option } from 'commander';
import { addCompareOptions, type CompareFlags, compareOptions } from './cluster-options.js';
import { addFleetOption, checkConfigOrFleet } from '../../fleet/cli-options.js';

/** `promote`: move the GitOps pointer to a folder when the cluster shows every earlier phase done. */
export function registerPromote(program: Command): void {
  const command = addCompareOptions(
    program
      .command('promote')
      .description('point the GitOps wiring at the next folder, only when status shows every earlier phase done (exit 1 and why otherwise)')
      .option('--to <phase>', 'the folder to point at: a phase id or rollback/<id> (default with --check: the one the wiring in --out points at)')
      .option('--out <dir>', 'the folder synth wrote (its --out), re-synthesized with the pointer moved', 'dist')
      .addOption(new Option('--gitops <engine>', 'the wiring to rewrite (default: the engine whose pointer --out holds)').choices(['argocd', 'flux']))
      .option('--check', 'only judge the move, write nothing (for a pull request check)'),
  );
  addFleetOption(command, "a fleet file (kind Fleet) instead of -c: move the pointer of --cluster in synth --fleet's --out, held by the fleet's gate too")
    .option('--cluster <name>', 'with --fleet: the cluster whose pointer moves')
    .action(async (flags: CompareFlags & { fleet?: string; cluster?: string; to?: string; out: string; gitops?: 'argocd' | 'flux'; check?: boolean }) => {
    checkConfigOrFleet(flags);
    if (flags.fleet !== undefined) {
      const { runFleetPromoteFlags } = await import('../../fleet/cli-actions.js');
      process.exitCode = await runFleetPromoteFlags({ ...flags, fleet: flags.fleet });
      return;
    }
    const { runPromote } = await import('../../gitops/run-promote.js');
    const { printPromoteResult } = await import('../../fleet/cli-actions.js');
    const r = await runPromote({ ...compareOptions(flags), to: flags.to, outDir: flags.out, gitops: flags.gitops, check: flags.check === true });
    process.exitCode = printPromoteResult(r, flags.check === true, flags.out);
  });
}
