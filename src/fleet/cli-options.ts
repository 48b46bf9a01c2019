import { type Command, InvalidArgumentError, Option } from 'commander';
import { UserError } from '../errors.js';

/**
 * The `--fleet <file>` hook of synth, status and promote: with it the command runs over every cluster of a
 * fleet file instead of one plan, so `-c` is no longer mandatory there (it is still required without it,
 * with commander's own words).
 */
export function addFleetOption(command: Command, description: string): Command {
  const config = (command.options as Option[]).find((o) => o.long === '--config');
  if (config) config.mandatory = false;
  return command.addOption(new Option('--fleet <file>', description));
}

/** Refuses `-c` with `--fleet` and neither of them, as commander would refuse a missing `-c`. */
export function checkConfigOrFleet(flags: { config?: string; fleet?: string }): void {
  if (flags.fleet !== undefined && flags.config !== undefined) throw new UserError('--fleet: the plans are the fleet file\'s; expected either -c <plan> or --fleet <file>, not both.');
  if (flags.fleet === undefined && flags.config === undefined) throw new UserError("required option '-c, --config <file>' not specified");
}

/** A positive whole number flag. */
export const positiveInteger = (v: string): number => {
  const n = Number(v);
  if (!Number.isInteger(n) || n <= 0) throw new InvalidArgumentError('expected a positive whole number.');
  return n;
};

/** A positive number of seconds. */
export const positiveSeconds = (v: string): number => {
  const n = Number(v);
  if (!Number.isFinite(n) || n <= 0) throw new InvalidArgumentError('expected a positive number of seconds.');
  return n;
};
