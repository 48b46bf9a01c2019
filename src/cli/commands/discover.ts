import type { Command } from 'commander';
import { printText } from '../../redact/print.js';

/** `discover`: read a 3scale 2.15 install and write the plan file. */
export function registerDiscover(program: Command): void {
  program
    .command('discover')
    .description('read a 3scale 2.15 install (cluster or exported List) and write a plan file')
    .option('--from-file <path>', 'an exported `oc get ... -o yaml` List, or a folder of them, instead of the cluster')
    .option('--kubeconfig <file>', 'kubeconfig file (default: $KUBECONFIG, ~/.kube/config, in-cluster)')
    .option('--context <name>', 'kubeconfig context')
    .option('-n, --namespace <name>', 'namespace of 3scale (default: the context namespace)')
    .option('--operator-namespace <name>', 'namespace of the 3scale operator, when not the 3scale one')
    .option('--target-namespace <name>', 'namespace for the new databases (default: <namespace>-db)')
    .option('--name <name>', 'name of the migration (default: the 3scale namespace)')
    .option('-o, --out <file>', 'where to write the plan; - for stdout', '-')
    .option('--force', 'overwrite the plan file named by -o/--out if it exists (refused otherwise)')
    .option('--procedure <id>', 'template-2.5-to-2.6: read a 3scale 2.5 installed from templates and write a TemplateUpgradePlan')
    .action(async (opts: { fromFile?: string; kubeconfig?: string; context?: string; namespace?: string; operatorNamespace?: string; targetNamespace?: string; name?: string; procedure?: string; out: string; force?: boolean }) => {
      const { runDiscover } = await import('../../discover/run-discover.js');
      printText(await runDiscover(opts));
    });
}
