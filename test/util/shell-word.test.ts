/** Specification of src/util/shell-word.ts: one shell word that a POSIX shell reads back as the value. */
import { execFileSync } from 'node:child_process';
import { describe, expect, test } from 'vitest';
import { shellWord } from '../../src/util/shell-word.js';

describe('shellWord', () => {
  test('GIVEN a plain path WHEN quoted THEN it is left as it is', () => {
    expect(shellWord('clusters/prod-eu/migration.yaml')).toBe('clusters/prod-eu/migration.yaml');
  });

  test.each(['my plans/m.yaml', "it's.yaml", '$(rm -rf ~)', '`id`', 'a;b', '*.yaml', '', 'line\nbreak', "''"])(
    'GIVEN the hostile value %j WHEN quoted and read by sh THEN sh reads back exactly the value',
    (value) => {
      // WHEN
      const word = shellWord(value);

      // THEN
      expect(execFileSync('sh', ['-c', `printf %s ${word}`], { encoding: 'utf8' })).toBe(value);
    },
  );
});
