import type { Command } from 'commander';
import { deprecatedOption, resolveDeprecated } from './deprecated-option.js';
import { contextOption, kubeconfigOption, namespaceOption } from './shared-options.js';
import { printText } from '../../redact/print.js';

/** `discover`: read a 3scale 2.15 install and write the plan file. */
export function registerDiscover(program: Command): void {
  program
    .command('discover')
    .description('read a 3scale 2.15 install (cluster or exported List) and write a plan file')
    .option('--from-file <path>', 'an exported `oc get ... -o yaml` List, or a folder of them, instead of the cluster')
    .addOption(kubeconfigOption())
    .addOption(contextOption())
    .addOption(namespaceOption())
    .option('--operator-namespace <name>', 'namespace of the 3scale operator, when not the 3scale one')
    .option('--target-namespace <name>', 'namespace for the new databases (default: <namespace>-db)')
    .option('--name <name>', 'name of the migration (default: the 3scale namespace)')
    .option('--out <file>', 'where to write the plan; - for stdout', '-')
    .addOption(deprecatedOption('-o <file>', '--out'))
    .option('--force', 'overwrite the plan file named by --out if it exists (refused otherwise)')
    .option('--procedure <id>', 'template-2.5-to-2.6: read a 3scale 2.5 installed from templates and write a TemplateUpgradePlan')
    .action(async (opts: { fromFile?: string; kubeconfig?: string; context?: string; namespace?: string; operatorNamespace?: string; targetNamespace?: string; name?: string; procedure?: string; out: string; force?: boolean; o?: string }, command: Command) => {
      const out = resolveDeprecated<string>(command, 'out', 'o', '-o', '--out');
      const { runDiscover } = await import('../../discover/run-discover.js');
      const { o: _old, ...rest } = opts;
      printText(await runDiscover({ ...rest, out }));
    });
}
