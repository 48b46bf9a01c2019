import { type Command, Option } from 'commander';

/** What `--live-file` reads, the same words in `discover`, `diff`, `status` and `promote` (one row of the README's flag table). */
const MEANING = 'an exported `oc get ... -o yaml` List, or a folder of them, read instead of the cluster (diff, status and promote: verdicts are approximate) (alias: --from-file)';

/**
 * `--live-file <path>` (alias `--from-file`, shown in its help, hidden as a row of its own): the export a
 * command reads instead of the cluster. One name in every command; the alias sets the same value, and both
 * spellings at once are refused with one sentence (exit 2).
 */
export function addLiveFileOption(command: Command): Command {
  command.addOption(new Option('--live-file <path>', MEANING)).addOption(new Option('--from-file <path>', 'alias of --live-file').hideHelp());
  const refuseBoth = () => command.error('error: --live-file and --from-file name the same thing; expected only one of them.', { exitCode: 2 });
  command.on('option:from-file', (value: string) => {
    if (command.getOptionValueSource('liveFile') === 'cli') refuseBoth();
    command.setOptionValueWithSource('liveFile', value, 'cli');
    command.setOptionValueWithSource('fromFile', undefined, 'alias');
  });
  command.on('option:live-file', () => {
    if (command.getOptionValueSource('fromFile') === 'alias') refuseBoth();
  });
  return command;
}
