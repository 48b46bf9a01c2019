/**
 * Specification of charts/phase-chart.ts: the base of every phase chart: explicit names only, extra files
 * beside the objects, and the phase id recorded on what it renders.
 */
import { App } from 'cdk8s';
import { k8s } from 'cdk8s-plus-28';
import { describe, expect, test } from 'vitest';
import { PhaseChart } from '../../charts/phase-chart.js';
import { contextFor, loadExample } from '../support/plans.js';

describe('PhaseChart', () => {
  test('records the phase id, or rollback-<id> in a rollback folder', () => {
    // GIVEN
    const loaded = loadExample('postgresql-and-redis');

    // WHEN
    const forward = new PhaseChart(new App({ outdir: 'unused' }), 'a', contextFor(loaded, 'cutover'));
    const rollback = new PhaseChart(new App({ outdir: 'unused' }), 'b', contextFor(loaded, 'cutover', true));

    // THEN
    expect(forward.phaseId).toBe('cutover');
    expect(rollback.phaseId).toBe('rollback-cutover');
    expect(forward.migration).toBe('prod-3scale');
    expect(forward.plan).toBe(loaded.plan);
  });

  test('keeps object names as given, without construct-path hashes', () => {
    // GIVEN
    const chart = new PhaseChart(new App({ outdir: 'unused' }), 'x', contextFor(loadExample('redis-only'), 'prepare'));

    // WHEN
    new k8s.KubeConfigMap(chart, 'Any', { metadata: { name: 'exact-name', namespace: 'ns' } });

    // THEN
    expect(chart.toJson().map((o: { metadata: { name: string } }) => o.metadata.name)).toEqual(['exact-name']);
  });

  test('returns added files sorted by path, as a copy', () => {
    // GIVEN
    const chart = new PhaseChart(new App({ outdir: 'unused' }), 'x', contextFor(loadExample('redis-only'), 'cutover'));
    chart.addFile('patches/02-b.json', 'b');
    chart.addFile('patches/01-a.json', 'a');

    // WHEN
    const files = chart.files;
    files.pop();

    // THEN
    expect(chart.files).toEqual([
      { path: 'patches/01-a.json', content: 'a' },
      { path: 'patches/02-b.json', content: 'b' },
    ]);
  });

  test('refuses a file added twice', () => {
    // GIVEN
    const chart = new PhaseChart(new App({ outdir: 'unused' }), '05-cutover', contextFor(loadExample('redis-only'), 'cutover'));
    chart.addFile('a.json', '1');

    // WHEN / THEN
    expect(() => chart.addFile('a.json', '2')).toThrow('threescale-migrate: 05-cutover adds a.json twice');
  });
});
