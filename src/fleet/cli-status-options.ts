import { type Command, Option } from 'commander';
import { positiveInteger, positiveSeconds } from './cli-options.js';

/** Flags `status --fleet` adds. */
export interface FleetStatusFlags {
  readonly fleet?: string;
  readonly parallel?: number;
  readonly clusterTimeout?: number;
}

/** `--parallel` and `--cluster-timeout` of `status --fleet`. */
export function addFleetStatusOptions(command: Command): Command {
  return command
    .addOption(new Option('--parallel <n>', 'with --fleet: clusters read at once').argParser(positiveInteger).default(4))
    .addOption(new Option('--cluster-timeout <seconds>', "with --fleet: deadline of each cluster's whole read; a cluster past it is one row that says so").argParser(positiveSeconds).default(60));
}
