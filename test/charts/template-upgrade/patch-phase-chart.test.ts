/**
 * Specification of charts/template-upgrade/patch-phase-chart.ts: a phase made only of guarded patches is one
 * Job with its steps in a ConfigMap and the documents in the folder, named per phase.
 */
import { describe, expect, test } from 'vitest';
import * as patchPhase from '../../../charts/template-upgrade/patch-phase-chart.js';
import { renderChart } from '../../support/charts.js';
import { find, refs, templateExample } from '../../support/plans.js';

describe('patch-phase chart', () => {
  test.each([
    ['redis-secret', 'add-system-redis-keys', 7],
    ['redis-env', 'add-redis-variables', 9],
    ['images', 'upgrade-images', 7],
  ])('GIVEN the example WHEN %s is rendered THEN Job %s applies %i steps listed in its ConfigMap', (phase, job, steps) => {
    const { objects, files } = renderChart(patchPhase as never, templateExample() as never, phase);
    expect(refs(objects)).toContain(`Job 3scale/${job}`);
    const index = (find(objects, 'ConfigMap', `${job}-patches`).data as Record<string, string>).steps!;
    expect(index.trim().split('\n')).toHaveLength(steps);
    expect(files.filter((f) => f.path.startsWith('patches/'))).toHaveLength(steps);
  });

  test('GIVEN every key already in system-redis WHEN redis-secret is rendered THEN there is no Job at all', () => {
    const loaded = templateExample((raw) => (raw.spec.systemRedisSecretKeys = ['URL', 'MESSAGE_BUS_NAMESPACE', 'MESSAGE_BUS_URL', 'NAMESPACE', 'MESSAGE_BUS_SENTINEL_HOSTS', 'MESSAGE_BUS_SENTINEL_ROLE', 'SENTINEL_HOSTS', 'SENTINEL_ROLE']));
    expect(renderChart(patchPhase as never, loaded as never, 'redis-secret').objects).toEqual([]);
  });
});
