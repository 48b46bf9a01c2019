import type { Command } from 'commander';
import { addLiveFileOption } from './live-file-option.js';
import { deprecatedOption, resolveDeprecated } from './deprecated-option.js';
import { contextOption, kubeconfigOption, namespaceOption } from './shared-options.js';
import { printText } from '../../redact/print.js';

/** `discover`: read a 3scale 2.15 install and write the plan file. */
export function registerDiscover(program: Command): void {
  const discover = program.command('discover').description('read a 3scale 2.15 install (cluster or exported List) and write a plan file');
  addLiveFileOption(discover)
    .addOption(kubeconfigOption())
    .addOption(contextOption())
    .addOption(namespaceOption())
    .option('--operator-namespace <name>', 'namespace of the 3scale operator, when not the 3scale one')
    .option('--target-namespace <name>', 'namespace for the new databases (default: <namespace>-db)')
    .option('--name <name>', 'name of the migration (default: the 3scale namespace)')
    .option('--out <file>', 'where to write the plan; - for stdout', '-')
    .addOption(deprecatedOption('-o <file>', '--out'))
    .option('--force', 'overwrite the plan file named by --out if it exists (refused otherwise)')
    .option('--procedure <id>', 'id of the procedure to plan (default: the 2.15 externalization; the template upgrade reads a 3scale 2.5 installed from templates; an unknown id is refused naming the others)')
    .option('--fleet', 'discover every cluster of a fleet (each kubeconfig context, or each export of the --live-file folder) and write --out/fleet.yaml and --out/clusters/<name>/migration.yaml')
    .option('--contexts <names>', 'with --fleet: the comma-separated contexts to read (default: every context of the kubeconfig)', (v: string) => v.split(',').map((c) => c.trim()).filter((c) => c !== ''))
    // eslint-disable-next-line @typescript-eslint/no-useless-default-assignment -- commander passes undefined on the first --wave (no default given), whatever its type says
    .option('--wave <name=clusters>', 'with --fleet: a wave and its comma-separated clusters, in order; repeat for each wave (default: one wave per cluster)', (v: string, all: string[] = []) => [...all, v])
    .action(async (opts: { liveFile?: string; fromFile?: string; kubeconfig?: string; context?: string; namespace?: string; operatorNamespace?: string; targetNamespace?: string; name?: string; procedure?: string; out: string; force?: boolean; o?: string; fleet?: boolean; contexts?: string[]; wave?: string[] }, command: Command) => {
      const out = resolveDeprecated<string>(command, 'out', 'o', '-o', '--out');
      const { o: _old, liveFile, fromFile: _alias, ...rest } = opts;
      if (opts.fleet) {
        const { runFleetDiscover } = await import('../../fleet/discover-fleet.js');
        printText(await runFleetDiscover({ ...rest, fromFile: liveFile, contexts: opts.contexts, waves: opts.wave, out }));
        return;
      }
      const { runDiscover } = await import('../../discover/run-discover.js');
      printText(await runDiscover({ ...rest, fromFile: liveFile, out }));
    });
}
