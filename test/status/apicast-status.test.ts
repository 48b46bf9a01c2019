/**
 * Seed chapter 2: after the upgrade, each APIcast carries `apicast.apps.3scale.net/operator-version: 0.13.x`.
 * The report lists the APIcast objects of the APIcast operator's namespace with that annotation, when the
 * plan's upgrade moves the APIcast operator too, and names those not reconciled by 0.13 once the upgrade is
 * applied.
 */
import { describe, expect, test } from 'vitest';
import type { KubeObject } from '../../src/kube/kube-object.js';
import { apicastListRef } from '../../src/procedures/externalize-on-cluster/externalize-on-cluster-hooks.js';
import { apicastStatus, isApicast216 } from '../../src/status/apicast-status.js';
import type { DiffReport, PhaseReport } from '../../src/status/diff-report.js';
import { renderReportText } from '../../src/status/render-report.js';
import { examplePlanWith } from '../support/plans.js';

const apicast = (name: string, version?: string): KubeObject => ({
  apiVersion: 'apps.3scale.net/v1alpha1',
  kind: 'APIcast',
  metadata: { name, namespace: 'apicast', ...(version ? { annotations: { 'apicast.apps.3scale.net/operator-version': version } } : {}) },
});
const REF = { apiVersion: 'apps.3scale.net/v1alpha1', kind: 'APIcast', namespace: 'apicast' };

describe('apicastListRef', () => {
  test('GIVEN the upgrade moves the APIcast operator WHEN asked THEN the APIcast objects of its Subscription namespace are listed', () => {
    const { plan } = examplePlanWith('postgresql-and-redis', (raw) => (raw.spec.upgrade.apicast = { name: 'apicast-operator', namespace: 'apicast', installPlanApproval: 'Manual' }));
    expect(apicastListRef(plan)).toEqual(REF);
  });

  test('GIVEN no APIcast operator in the upgrade, or the upgrade off WHEN asked THEN nothing is listed', () => {
    const withoutApicast = examplePlanWith('postgresql-and-redis', () => undefined).plan;
    const off = examplePlanWith('postgresql-and-redis', (raw) => {
      raw.spec.upgrade.enabled = false;
      raw.spec.upgrade.apicast = { name: 'apicast-operator', installPlanApproval: 'Manual' };
    }).plan;
    expect(apicastListRef(withoutApicast)).toBeUndefined();
    expect(apicastListRef(off)).toBeUndefined();
  });
});

describe('apicastStatus and its lines in the report', () => {
  const report = (apicastField: DiffReport['apicast'], upgrade: PhaseReport['status']): DiffReport => ({
    apiVersion: 'threescale-migrate.3scale.net/v1alpha1',
    kind: 'DiffReport',
    migration: 'prod-3scale',
    source: 'cluster https://api.example:6443',
    mode: 'live',
    approximate: false,
    fieldManager: 'threescale-migrate',
    phases: [{ order: 8, id: 'upgrade', folder: '08-upgrade', status: upgrade, reason: upgrade, checks: { total: 1, satisfied: 0, superseded: 0 }, rollback: 'rollback/08-upgrade', upgradesThreescale: true }],
    currentPhase: null,
    outOfOrder: [],
    target: '08-upgrade',
    objects: [],
    inSync: false,
    apicast: apicastField,
  });

  test('GIVEN APIcasts listed WHEN read THEN each with its annotation, sorted; an unreadable list is null', () => {
    expect(apicastStatus(REF, { ref: REF, ok: true, items: [apicast('b', '0.12.1'), apicast('a')] })).toEqual({ namespace: 'apicast', apicasts: [{ name: 'a', operatorVersion: null }, { name: 'b', operatorVersion: '0.12.1' }] });
    expect(apicastStatus(REF, { ref: REF, ok: false, error: { kind: 'missing-crd', message: 'no APIcast CRD' } as never })).toBeNull();
    expect(apicastStatus(REF, undefined)).toBeNull();
  });

  test('GIVEN 0.13.x or another release THEN only 0.13 and 0.13.x count as 2.16', () => {
    expect(['0.13', '0.13.0', '0.13.4'].map(isApicast216)).toEqual([true, true, true]);
    expect(['0.12.5', '0.130.1', null].map(isApicast216)).toEqual([false, false, false]);
  });

  test('GIVEN the upgrade applied and one APIcast still on 0.12 WHEN the report is printed THEN that one is named as not reconciled yet', () => {
    const status = { namespace: 'apicast', apicasts: [{ name: 'gw', operatorVersion: '0.12.5' }, { name: 'gw2', operatorVersion: '0.13.1' }] };
    const text = renderReportText(report(status, 'applied'), { color: false });
    expect(text).toContain('APIcast apicast/gw: apicast.apps.3scale.net/operator-version 0.12.5 (the upgrade is applied; expected 0.13.x: the APIcast operator has not reconciled it yet)\n');
    expect(text).toContain('APIcast apicast/gw2: apicast.apps.3scale.net/operator-version 0.13.1\n');
    // AND before the upgrade, 0.12 is what is expected: nothing is flagged
    expect(renderReportText(report(status, 'pending'), { color: false })).toContain('APIcast apicast/gw: apicast.apps.3scale.net/operator-version 0.12.5\n');
    expect(renderReportText(report(null, 'applied'), { color: false })).toContain('APIcast: not readable, so the apicast.apps.3scale.net/operator-version annotations are unknown\n');
    expect(renderReportText(report({ namespace: 'apicast', apicasts: [] }, 'applied'), { color: false })).toContain('APIcast: none in namespace apicast\n');
  });
});
