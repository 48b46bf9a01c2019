import { type Command, Option } from 'commander';

/** `plan`: show the ordered phases of a plan without rendering anything. */
export function registerPlan(program: Command): void {
  program
    .command('plan')
    .description('show the ordered phases, what each changes, the maintenance window and the rollbacks')
    .requiredOption('-c, --config <file>', 'plan file (migration.yaml)')
    .addOption(new Option('-f, --format <format>', 'output format').choices(['text', 'json', 'mermaid']).default('text'))
    .action(async (opts: { config: string; format: 'text' | 'json' | 'mermaid' }) => {
      const { loadPlanFile } = await import('../../plan/load-plan.js');
      const { renderPlanView } = await import('../../plan-view/render-plan-view.js');
      const { checkTargetPhase } = await import('../../phases/target-phase.js');
      const loaded = loadPlanFile(opts.config);
      checkTargetPhase(loaded.plan, loaded.plan.spec.gitops.targetPhase, `${loaded.path}: spec.gitops.targetPhase`);
      process.stdout.write(renderPlanView(loaded.plan, opts.format));
    });
}
