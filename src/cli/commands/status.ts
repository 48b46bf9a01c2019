import type { Command } from 'commander';
import { colorFor } from '../color.js';
import { outputFormatOption } from './shared-options.js';
import { UserError } from '../../errors.js';
import { printJson, printText } from '../../redact/print.js';
import { addCompareOptions, type CompareFlags, compareOptions } from './cluster-options.js';
import { addFleetOption, checkConfigOrFleet } from '../../fleet/cli-options.js';
import { addFleetStatusOptions, type FleetStatusFlags } from '../../fleet/cli-status-options.js';

/** `status`: one line per phase and the next step to take (`--explain`: and why things fail). */
export function registerStatus(program: Command): void {
  const command = addCompareOptions(program.command('status').description('one line per phase and the next step to take; exit 0 when the target folder is in sync, 1 while it is pending, running, drifted or failed, 2 error'))
    .addOption(outputFormatOption(['text', 'json']))
    .option('--report <file>', 'write the change record of the window: a self-contained HTML page (Markdown when the file ends in .md) with the timeline of phases and Jobs, the data verified, the versions before and after, and what a rollback would do now')
    .option('--watch', 'follow the cluster (API watches) and redraw one screen: phases, Jobs with progress and time left, the window against spec.maintenanceWindow, the first failure; exit 0 when the target is done, 1 when a phase fails');
  addFleetStatusOptions(addFleetOption(command, 'a fleet file (kind Fleet) instead of -c: one table of every cluster (read at once, each with its own deadline) and the gates of the waves; --dir names synth --fleet\'s --out'))
    .action(async (flags: CompareFlags & FleetStatusFlags & { output: 'text' | 'json'; watch?: boolean; report?: string }) => {
      checkConfigOrFleet(flags);
      if (flags.report !== undefined) {
        if (flags.fleet !== undefined || flags.watch || flags.liveFile !== undefined) throw new UserError('--report reads one cluster: it cannot be combined with --fleet, --watch or --live-file.');
        const { writeChangeRecord } = await import('../../status/report/run-change-record.js');
        await writeChangeRecord(compareOptions(flags), flags.report);
        return;
      }
      if (flags.watch) {
        if (flags.fleet !== undefined || flags.output === 'json' || flags.liveFile !== undefined) throw new UserError('--watch follows one cluster as text: it cannot be combined with --fleet, -o json or --live-file.');
        const { runWatchCommand } = await import('../../status/watch/watch-command.js');
        process.exitCode = await runWatchCommand(compareOptions(flags));
        return;
      }
      if (flags.fleet !== undefined) {
        const { runFleetStatusFlags } = await import('../../fleet/cli-actions.js');
        process.exitCode = await runFleetStatusFlags({ ...flags, fleet: flags.fleet });
        return;
      }
      const { compareWithLive } = await import('../../status/run-diff.js');
      const { renderStatus, statusExitCode } = await import('../../status/render-status.js');
      const { renderReportJson } = await import('../../status/render-report.js');
      const { unreadableReason } = await import('../../status/diff-report.js');
      const report = await compareWithLive(compareOptions(flags));
      const color = colorFor(process.stdout);
      if (flags.output === 'json') printJson(report, renderReportJson);
      else {
        printText(renderStatus(report, { color, ...(flags.config !== undefined ? { planFile: flags.config } : {}) }));
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
