import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, test } from 'vitest';
import { buildProgram } from '../src/cli/index.js';
import { conflictingShortFlags, flagTableMarkdown } from '../src/cli/flag-table.js';
import { phaseTableMarkdown } from '../src/plan-view/phase-table.js';
import { signatureTableMarkdown } from '../src/status/explain/failure-signatures.js';

const README = join(import.meta.dirname, '..', 'README.md');

describe('README', () => {
  test('GIVEN the registry WHEN the phase table is generated THEN the README holds exactly that table', () => {
    // GIVEN
    const text = readFileSync(README, 'utf8');

    // WHEN
    const between = text.split('<!-- phase-table:start -->\n')[1]?.split('<!-- phase-table:end -->')[0];

    // THEN
    expect(between).toBe(phaseTableMarkdown());
  });

  test('GIVEN the failure signatures WHEN their table is generated THEN the README holds exactly that table', () => {
    // GIVEN
    const text = readFileSync(README, 'utf8');

    // WHEN
    const between = text.split('<!-- signature-table:start -->\n')[1]?.split('<!-- signature-table:end -->')[0];

    // THEN
    expect(between).toBe(signatureTableMarkdown());
  });

  test('GIVEN the commands WHEN their flag table is generated THEN the README holds exactly that table, and no short flag means two things', () => {
    // GIVEN
    const text = readFileSync(README, 'utf8');
    const program = buildProgram();

    // WHEN
    const between = text.split('<!-- flag-table:start -->\n')[1]?.split('<!-- flag-table:end -->')[0];

    // THEN
    expect(between).toBe(flagTableMarkdown(program));
    expect(conflictingShortFlags(program)).toEqual([]);
    // AND every flag spelled in the table appears in one row per meaning: -o is an output format everywhere
    expect(between!.split('\n').filter((l) => l.startsWith('| `-o, --output <format>`'))).toHaveLength(1);
  });

  test('GIVEN the README WHEN its first screen is read THEN it gives the two set-up commands', () => {
    // GIVEN
    const firstScreen = readFileSync(README, 'utf8').split('\n').slice(0, 25).join('\n');

    // WHEN / THEN
    expect(firstScreen).toContain('npm ci && npm run synth');
    expect(firstScreen).toContain('npm test');
  });
});
