import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, test } from 'vitest';
import { healthTableMarkdown } from '../../src/health/health-table.js';
import { HEALTH_CHECKS } from '../../src/health/registry.js';

describe('the README health table', () => {
  test('GIVEN the dispatch table WHEN its table is generated THEN the README holds exactly that table, one row per kind and one for the rest', () => {
    // GIVEN
    const text = readFileSync(join(import.meta.dirname, '..', '..', 'README.md'), 'utf8');

    // WHEN
    const between = text.split('<!-- health-table:start -->\n')[1]?.split('<!-- health-table:end -->')[0];

    // THEN
    expect(between).toBe(healthTableMarkdown());
    expect(healthTableMarkdown().split('\n').filter((l) => l.startsWith('| `') || l.startsWith('| any'))).toHaveLength(HEALTH_CHECKS.length + 1);
  });
});
