import type { Command } from 'commander';
import { colorFor } from '../color.js';
import { outputFormatOption } from './shared-options.js';
import { UserError } from '../../errors.js';
import { printJson, printText } from '../../redact/print.js';
import { addCompareOptions, type CompareFlags, compareOptions } from './cluster-options.js';

/** `diff`: every phase's verdict, and the target folder object by object. Exit 0 in sync, 1 differences, 2 error. */
export function registerDiff(program: Command): void {
  addCompareOptions(program.command('diff').description('compare the live cluster (or an export) with every phase; exit 0 in sync, 1 differences, 2 error'))
    .addOption(outputFormatOption(['text', 'json']))
    .option('-v, --verbose', 'also list the objects that are in sync')
    .action(async (flags: CompareFlags & { output: 'text' | 'json'; verbose?: boolean }) => {
      const { compareWithLive } = await import('../../status/run-diff.js');
      const { renderReportJson, renderReportText } = await import('../../status/render-report.js');
      const { unreadableReason } = await import('../../status/diff-report.js');
      const report = await compareWithLive(compareOptions(flags));
      const color = colorFor(process.stdout);
      if (flags.output === 'json') printJson(report, renderReportJson);
      else printText(renderReportText(report, { color, verbose: flags.verbose }));
      if (flags.output !== 'json' && report.explanations) {
        const { renderExplanations } = await import('../../status/explain/render-explanations.js');
        printText(renderExplanations({ explanations: report.explanations, notes: report.explainNotes ?? [] }, { color }));
      }
      // Something could not be read (403, missing CRD, 5xx): the report says what it could, the exit code is 2.
      const unreadable = unreadableReason(report);
      if (unreadable) throw new UserError(unreadable);
      process.exitCode = report.inSync ? 0 : 1;
    });
}
