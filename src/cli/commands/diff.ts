import { type Command, Option } from 'commander';
import { addCompareOptions, type CompareFlags, compareOptions } from './cluster-options.js';

/** `diff`: every phase's verdict, and the target folder object by object. Exit 0 in sync, 1 differences, 2 error. */
export function registerDiff(program: Command): void {
  addCompareOptions(program.command('diff').description('compare the live cluster (or an export) with every phase; exit 0 in sync, 1 differences, 2 error'))
    .addOption(new Option('-o, --output <format>', 'output format').choices(['text', 'json']).default('text'))
    .option('-v, --verbose', 'also list the objects that are in sync')
    .action(async (flags: CompareFlags & { output: 'text' | 'json'; verbose?: boolean }) => {
      const { compareWithLive } = await import('../../status/run-diff.js');
      const { renderReportJson, renderReportText } = await import('../../status/render-report.js');
      const report = await compareWithLive(compareOptions(flags));
      process.stdout.write(flags.output === 'json' ? renderReportJson(report) : renderReportText(report, { color: process.stdout.isTTY === true, verbose: flags.verbose }));
      process.exitCode = report.inSync ? 0 : 1;
    });
}
