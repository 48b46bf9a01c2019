import { type Command, Option } from 'commander';
import { versionRequirementsOption } from './cluster-options.js';
import { deprecatedOption, resolveDeprecated } from './deprecated-option.js';
import { configOption } from './shared-options.js';
import { addFleetOption, checkConfigOrFleet } from '../../fleet/cli-options.js';

/** `synth`: render every phase of a plan into folders of YAML. */
export function registerSynth(program: Command): void {
  const command = program
    .command('synth')
    .description('render dist/<NN>-<phase>/ (and rollback/<NN>-<phase>/) for every phase of the plan')
    .addOption(configOption())
    .option('--out <dir>', 'output folder, replaced atomically; only a folder synth wrote (or an empty one)', 'dist')
    .addOption(deprecatedOption('-o <dir>', '--out'))
    .addOption(new Option('--gitops <engine>', 'GitOps wiring to render beside the phase folders (default: spec.gitops.engine, else none)').choices(['none', 'argocd', 'flux']))
    .option('--target-phase <phase>', 'with --gitops: the phase folder the engine reconciles (overrides spec.gitops.targetPhase)')
    .addOption(versionRequirementsOption());
  addFleetOption(command, 'a fleet file (kind Fleet) instead of -c: render <out>/<cluster>/ per cluster and <out>/fleet/ for the management cluster, with --gitops argocd or flux')
    .action(async (opts: { config: string; fleet?: string; out: string; gitops?: 'none' | 'argocd' | 'flux'; targetPhase?: string; versionRequirements?: 'vendor' | 'operator' }, command: Command) => {
      const outDir = resolveDeprecated<string>(command, 'out', 'o', '-o', '--out');
      checkConfigOrFleet(opts);
      if (opts.fleet !== undefined) {
        const { runFleetSynthFlags } = await import('../../fleet/cli-actions.js');
        process.stdout.write(await runFleetSynthFlags({ fleet: opts.fleet, out: outDir, gitops: opts.gitops, targetPhase: opts.targetPhase }));
        return;
      }
      const { runSynth } = await import('../../synth/run-synth.js');
      const summary = await runSynth({ planPath: opts.config, outDir, gitops: opts.gitops, targetPhase: opts.targetPhase, versionRequirements: opts.versionRequirements });
      process.stdout.write(summary);
    });
}
