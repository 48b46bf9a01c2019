import { Command, Option } from 'commander';
import { describe, expect, test } from 'vitest';
import { conflictingShortFlags, flagTableMarkdown } from '../../src/cli/flag-table.js';

/** A program with two commands, as the CLI builds them. */
function program(second: (c: Command) => Command): Command {
  const p = new Command('tool');
  p.command('one').option('-o, --output <format>', 'output format', 'text').addOption(new Option('-x <dir>', 'old').hideHelp());
  second(p.command('two'));
  return p;
}

describe('flagTableMarkdown', () => {
  test('GIVEN the same flag worded the same in two commands WHEN tabled THEN one row naming both; hidden flags are left out', () => {
    const table = flagTableMarkdown(program((c) => c.option('-o, --output <format>', 'output format', 'text')));
    expect(table).toBe(['| flag | meaning | commands |', '| --- | --- | --- |', '| `-o, --output <format>` | output format (default: text) | one, two |', ''].join('\n'));
  });

  test('GIVEN the same flag worded differently WHEN tabled THEN two rows, so the README shows the difference', () => {
    const table = flagTableMarkdown(program((c) => c.option('-o, --output <format>', 'text or json', 'text')));
    expect(table.split('\n').filter((l) => l.startsWith('| `-o, --output'))).toHaveLength(2);
  });

  test('GIVEN -o meaning --out in one command and --output in another WHEN checked THEN the conflict is named', () => {
    expect(conflictingShortFlags(program((c) => c.option('-o, --out <dir>', 'output folder')))).toEqual(['-o: --out, --output']);
    expect(conflictingShortFlags(program((c) => c.option('-o, --output <format>', 'output format')))).toEqual([]);
  });

  test('GIVEN a flag with choices WHEN tabled THEN each command lists its own values', () => {
    const p = new Command('tool');
    p.command('one').addOption(new Option('-o, --output <format>', 'output format').choices(['text', 'json']));
    p.command('two').addOption(new Option('-o, --output <format>', 'output format').choices(['text', 'mermaid']));
    expect(flagTableMarkdown(p)).toContain('| `-o, --output <format>` | output format | one (text, json), two (text, mermaid) |');
  });
});
