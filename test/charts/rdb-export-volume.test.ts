/**
 * Specification of charts/constructs/rdb-export-volume.ts: the PVC an RDB export is written to, created by
 * prepare, kept from pruning, deleted by the rollback of prepare and by cleanup.
 */
import type { IJob } from 'kubernetes-models/batch/v1/Job';
import { describe, expect, test } from 'vitest';
import * as cleanupChart from '../../charts/cleanup-chart.js';
import * as prepareChart from '../../charts/prepare-chart.js';
import * as prepareRollbackChart from '../../charts/prepare-rollback-chart.js';
import type { KubeObject } from '../../src/kube/kube-object.js';
import { validateManifest } from '../../src/validate/validate-manifest.js';
import { renderChart } from '../support/charts.js';
import { examplePlanWith, find, loadExample } from '../support/plans.js';

describe('RdbExportVolume', () => {
  test('GIVEN the managed example WHEN prepare renders THEN the export PVC has the size and class of the plan Redis storage and the keep annotations', () => {
    // GIVEN / WHEN
    const { objects } = renderChart(prepareChart, loadExample('managed-rds-and-elasticache'), 'prepare');
    // THEN
    const pvc = find(objects, 'PersistentVolumeClaim', 'backend-redis-rdb-export', '3scale') as any;
    expect(pvc.spec).toEqual({ accessModes: ['ReadWriteOnce'], resources: { requests: { storage: '2Gi' } }, storageClassName: 'gp3-csi', volumeMode: 'Filesystem' });
    expect(pvc.metadata.annotations).toMatchObject({ 'argocd.argoproj.io/sync-options': 'Prune=false,Delete=false' });
    expect(validateManifest(pvc)).toEqual([]);
  });

  test('GIVEN the managed example WHEN the rollback of prepare and cleanup render THEN both delete the export PVC (and the rollback the credential copy)', () => {
    // GIVEN
    const loaded = examplePlanWith('managed-rds-and-elasticache', (p) => (p.spec.cleanup = { enabled: true }));
    // WHEN
    const rollback = renderChart(prepareRollbackChart, loaded, 'prepare', true).objects;
    const cleanup = renderChart(cleanupChart, loaded, 'cleanup').objects;
    // THEN
    const objectsOf = (objects: readonly KubeObject[], job: string): string[] => {
      const { spec } = find(objects, 'Job', job) as IJob;
      const value = spec?.template.spec?.containers[0]?.env?.find((e) => e.name === 'OBJECTS')?.value;
      expect(value, `Job ${job}: env OBJECTS`).toBeDefined();
      return value!.split('\n');
    };
    expect(objectsOf(rollback, 'remove-new-databases')).toEqual(expect.arrayContaining(['3scale persistentvolumeclaim/backend-redis-rdb-export', '3scale secret/rds-system-credentials']));
    expect(objectsOf(cleanup, 'delete-old-databases')).toEqual(
      expect.arrayContaining(['3scale deployment/system-postgresql', '3scale deployment/backend-redis', '3scale persistentvolumeclaim/backend-redis-rdb-export']),
    );
  });
});
