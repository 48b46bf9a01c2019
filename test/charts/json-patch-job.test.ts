/**
 * Specification of charts/jobs/json-patch-job.ts: a Job applying guarded patch steps, its steps in a
 * ConfigMap, the documents in the phase folder for review, a Role on exactly the patched objects.
 */
import { describe, expect, test } from 'vitest';
import * as patchPhase from '../../charts/template-upgrade/patch-phase-chart.js';
import { renderChart } from '../support/charts.js';
import { find, templateExample } from '../support/plans.js';

describe('jsonPatchJob', () => {
  test('GIVEN the images phase of the template example WHEN rendered THEN the ConfigMap holds the index and every document, also written for review', () => {
    const { objects, files } = renderChart(patchPhase as never, templateExample() as never, 'images');
    const data = find(objects, 'ConfigMap', 'upgrade-images-patches').data as Record<string, string>;
    const documents = files.filter((f) => f.path.startsWith('patches/'));
    expect(Object.keys(data).sort()).toEqual(['steps', ...documents.map((f) => f.path.slice('patches/'.length))].sort());
    for (const f of documents) expect(data[f.path.slice('patches/'.length)]).toBe(f.content);
    expect(find(objects, 'ConfigMap', 'upgrade-images-patches').metadata.annotations).toMatchObject({ 'threescale-migrate.3scale.net/scope': 'phase' });
  });

  test('GIVEN steps on ImageStreams and on system-app WHEN the Role is rendered THEN get and patch on exactly those names, per API group', () => {
    const { objects } = renderChart(patchPhase as never, templateExample() as never, 'images');
    const rules = find(objects, 'Role', 'upgrade-images').rules as { apiGroups: string[]; resources: string[]; resourceNames?: string[]; verbs: string[] }[];
    expect(rules).toContainEqual({ apiGroups: ['image.openshift.io'], resources: ['imagestreams'], resourceNames: ['amp-apicast', 'amp-backend', 'amp-system', 'amp-zync'], verbs: ['get', 'patch'] });
    expect(rules).toContainEqual({ apiGroups: ['apps.openshift.io'], resources: ['deploymentconfigs'], resourceNames: ['system-app'], verbs: ['get', 'patch'] });
  });

});
