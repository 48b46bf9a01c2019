import type { Command } from 'commander';
import { UserError } from '../../errors.js';
import { addCompareOptions, type CompareFlags, compareOptions } from './cluster-options.js';

/** `status`: one line per phase and the next step to take. */
export function registerStatus(program: Command): void {
  addCompareOptions(program.command('status').description('one line per phase and the next step to take')).action(async (flags: CompareFlags) => {
    const { compareWithLive } = await import('../../status/run-diff.js');
    const { renderStatus } = await import('../../status/render-status.js');
    const { unreadableReason } = await import('../../status/diff-report.js');
    const report = await compareWithLive(compareOptions(flags));
    process.stdout.write(renderStatus(report, { color: process.stdout.isTTY === true }));
    const unreadable = unreadableReason(report);
    if (unreadable) throw new UserError(unreadable);
  });
}
