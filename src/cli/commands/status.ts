import type { Command } from 'commander';
import { colorFor } from '../color.js';
import { outputFormatOption } from './shared-options.js';
import { UserError } from '../../errors.js';
import { printJson, printText } from '../../redact/print.js';
import { addCompareOptions, type CompareFlags, compareOptions } from './cluster-options.js';

/** `status`: one line per phase and the next step to take (`--explain`: and why things fail). */
export function registerStatus(program: Command): void {
  addCompareOptions(program.command('status').description('one line per phase and the next step to take; exit 0 when the target folder is in sync, 1 while it is pending, running, drifted or failed, 2 error'))
    .addOption(outputFormatOption(['text', 'json']))
    .action(async (flags: CompareFlags & { output: 'text' | 'json' }) => {
      const { compareWithLive } = await import('../../status/run-diff.js');
      const { renderStatus, statusExitCode } = await import('../../status/render-status.js');
      const { renderReportJson } = await import('../../status/render-report.js');
      const { unreadableReason } = await import('../../status/diff-report.js');
      const report = await compareWithLive(compareOptions(flags));
      const color = colorFor(process.stdout);
      if (flags.output === 'json') printJson(report, renderReportJson);
      else {
        printText(renderStatus(report, { color }));
        if (report.explanations) {
          const { renderExplanations } = await import('../../status/explain/render-explanations.js');
          printText(renderExplanations({ explanations: report.explanations, notes: report.explainNotes ?? [] }, { color }));
        }
      }
      const unreadable = unreadableReason(report);
      if (unreadable) throw new UserError(unreadable);
      process.exitCode = statusExitCode(report);
    });
}
