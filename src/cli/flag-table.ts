import type { Command, Option } from 'commander';

/** One flag as the README table shows it: its spelling, what it means, and the commands that take it (with their values). */
interface FlagRow {
  readonly flags: string;
  readonly meaning: string;
  readonly commands: string[];
}

const visible = (command: Command): readonly Option[] =>
  (command.options as readonly Option[]).filter((o) => !(o as Option & { hidden?: boolean }).hidden);

/**
 * The README's table of every visible flag of every command, generated from commander's definitions (so a
 * flag cannot mean two things without the table showing it twice): one row per spelling and meaning, with
 * the commands that take it. `test/readme.test.ts` keeps the README in step.
 */
export function flagTableMarkdown(program: Command): string {
  const rows: FlagRow[] = [];
  for (const command of program.commands) {
    for (const option of visible(command)) {
      const meaning = option.description + (option.defaultValue !== undefined && option.defaultValue !== false ? ` (default: ${String(option.defaultValue)})` : '');
      const where = command.name() + (option.argChoices ? ` (${option.argChoices.join(', ')})` : '');
      const row = rows.find((r) => r.flags === option.flags && r.meaning === meaning);
      if (row) row.commands.push(where);
      else rows.push({ flags: option.flags, meaning, commands: [where] });
    }
  }
  const cell = (s: string) => s.replace(/\|/g, '\\|');
  rows.sort((a, b) => long(a.flags).localeCompare(long(b.flags)) || a.commands[0]!.localeCompare(b.commands[0]!));
  return ['| flag | meaning | commands |', '| --- | --- | --- |', ...rows.map((r) => `| \`${cell(r.flags)}\` | ${cell(r.meaning)} | ${r.commands.join(', ')} |`)].join('\n') + '\n';
}

/** The long name of a flag spelling (`-o, --output <format>` → `--output`), for sorting. */
function long(flags: string): string {
  return /--[a-z-]+/.exec(flags)?.[0] ?? flags;
}

/**
 * Short flags that mean different long flags in different commands (`-o` as `--out` here and `--output`
 * there): empty when every short flag has one meaning everywhere.
 */
export function conflictingShortFlags(program: Command): string[] {
  const seen = new Map<string, Set<string>>();
  for (const command of program.commands) {
    for (const option of visible(command)) {
      if (!option.short) continue;
      const longs = seen.get(option.short) ?? new Set<string>();
      longs.add(option.long ?? option.short);
      seen.set(option.short, longs);
    }
  }
  return [...seen].filter(([, longs]) => longs.size > 1).map(([short, longs]) => `${short}: ${[...longs].sort().join(', ')}`);
}
