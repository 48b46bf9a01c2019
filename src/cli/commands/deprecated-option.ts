import { type Command, Option } from 'commander';

/**
 * An old spelling kept working, hidden from help: `-o <path>` of synth and discover (`-o` is an output
 * format in every command now, as in kubectl; paths are `--out`) and `-f` of plan (now `-o`). Using it
 * prints one deprecation sentence on stderr; giving both spellings is refused by {@link resolveDeprecated}.
 */
export function deprecatedOption(flags: string, replacement: string): Option {
  return new Option(flags, `deprecated: use ${replacement}`).hideHelp();
}

/**
 * The value of option `name`, taking the deprecated option `old` when only it was given (with the sentence
 * on stderr). Both given: a user error naming both.
 */
// eslint-disable-next-line @typescript-eslint/no-unnecessary-type-parameters -- the caller names the option's type
export function resolveDeprecated<T>(command: Command, name: string, old: string, oldFlag: string, newFlag: string): T {
  const opts = command.opts() as Record<string, unknown>;
  if (opts[old] === undefined) return opts[name] as T;
  if (command.getOptionValueSource(name) === 'cli') {
    command.error(`error: ${oldFlag} and ${newFlag} name the same thing; expected only ${newFlag}.`, { exitCode: 2 });
  }
  process.stderr.write(`threescale-migrate: ${oldFlag} is deprecated here and will be removed; use ${newFlag} (-o names an output format in every command, paths are --out, as in kubectl).\n`);
  return opts[old] as T;
}
