import type { Command } from 'commander';
import { configOption, outputFormatOption } from './shared-options.js';
import { deprecatedOption, resolveDeprecated } from './deprecated-option.js';

/** `plan`: show the ordered phases of a plan without rendering anything. */
export function registerPlan(program: Command): void {
  program
    .command('plan')
    .description('show the ordered phases, what each changes, the maintenance window and the rollbacks')
    .addOption(configOption())
    .addOption(outputFormatOption(['text', 'json', 'mermaid']))
    .addOption(deprecatedOption('-f, --format <format>', '-o/--output').choices(['text', 'json', 'mermaid']))
    .action(async (opts: { config: string }, command: Command) => {
      const format = resolveDeprecated<'text' | 'json' | 'mermaid'>(command, 'output', 'format', '-f/--format', '-o/--output');
      const { loadPlanFile } = await import('../../plan/load-plan.js');
      const { renderPlanView } = await import('../../plan-view/render-plan-view.js');
      const { checkTargetPhase } = await import('../../phases/target-phase.js');
      const loaded = loadPlanFile(opts.config);
      checkTargetPhase(loaded.plan, loaded.plan.spec.gitops.targetPhase, `${loaded.path}: spec.gitops.targetPhase`);
      process.stdout.write(renderPlanView(loaded.plan, format));
    });
}
