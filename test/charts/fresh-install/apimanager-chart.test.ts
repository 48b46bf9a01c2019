/**
 * Specification of charts/fresh-install/apimanager-chart.ts: the APIManager of a fresh install, and the
 * system-storage claim it creates first when the file storage is ReadWriteOnce.
 */
import { App } from 'cdk8s';
import { describe, expect, it } from 'vitest';
import { render } from '../../../charts/fresh-install/apimanager-chart.js';
import type { KubeObject } from '../../../src/kube/kube-object.js';
import type { FreshInstallPlan } from '../../../src/procedures/fresh-install/fresh-install-plan-schema.js';
import type { LoadedPlan } from '../../../src/plan/load-plan.js';
import { contextFor, find, freshInstallPlanWith, loadFreshInstallExample, refs } from '../../support/plans.js';

const rendered = (loaded: LoadedPlan<FreshInstallPlan>): KubeObject[] => render(new App(), 'apimanager', contextFor(loaded, 'apimanager')).toJson() as KubeObject[];

describe('apimanager chart', () => {
  it('GIVEN the OpenShift plan (mirror, RWX file storage, requirements off) WHEN rendered THEN the APIManager carries them, every database external', () => {
    // GIVEN / WHEN
    const objects = rendered(loadFreshInstallExample('fresh-install-openshift'));

    // THEN
    expect(refs(objects)).toEqual(['APIManager api-management/threescale']);
    expect(find(objects, 'APIManager', 'threescale').spec).toEqual({
      wildcardDomain: 'apps.ocp.example.internal',
      appLabel: '3scale-api-management',
      tenantName: 'acme',
      resourceRequirementsEnabled: false,
      externalComponents: { system: { database: true, redis: true }, backend: { redis: true } },
      imagePullSecrets: [{ name: 'mirror-pull-secret' }],
      apicast: { image: 'mirror.example.internal:5000/3scale-amp2/apicast-gateway-rhel9:3scale2.16' },
      backend: { image: 'mirror.example.internal:5000/3scale-amp2/backend-rhel9:3scale2.16' },
      zync: { image: 'mirror.example.internal:5000/3scale-amp2/zync-rhel9:3scale2.16' },
      system: {
        image: 'mirror.example.internal:5000/3scale-amp2/system-rhel9:3scale2.16',
        appSpec: { replicas: 2 },
        sidekiqSpec: { replicas: 1 },
        fileStorage: { persistentVolumeClaim: { storageClassName: 'ocs-storagecluster-cephfs', resources: { requests: '1Gi' } } },
      },
    });
  });

  it('GIVEN ReadWriteOnce file storage on gp3 WHEN rendered THEN system-storage is created with that mode, in an earlier wave, before the APIManager', () => {
    // GIVEN
    const loaded = freshInstallPlanWith('fresh-install-rosa', (raw) => {
      raw.spec.fileStorage = { kind: 'pvc', accessMode: 'ReadWriteOnce', size: '2Gi' };
    });

    // WHEN
    const objects = rendered(loaded);

    // THEN
    expect(refs(objects)).toEqual(['PersistentVolumeClaim 3scale/system-storage', 'APIManager 3scale/apimanager']);
    const pvc = find(objects, 'PersistentVolumeClaim', 'system-storage');
    expect(pvc.spec).toEqual({ accessModes: ['ReadWriteOnce'], resources: { requests: { storage: '2Gi' } }, storageClassName: 'gp3', volumeMode: 'Filesystem' });
    expect(pvc.metadata.annotations?.['argocd.argoproj.io/sync-wave']).toBe('-1');
    expect(pvc.metadata.labels).toMatchObject({ app: '3scale-api-management', threescale_component: 'system', threescale_component_element: 'app' });
    expect((find(objects, 'APIManager', 'apimanager').spec as { system: unknown }).system).toMatchObject({ fileStorage: { persistentVolumeClaim: { storageClassName: 'gp3', resources: { requests: '2Gi' } } } });
  });

  it('GIVEN ReadWriteOnce file storage WHEN rendered THEN system-sidekiq must run on the node of system-app (required pod affinity by hostname), so the volume is never attached to two nodes', () => {
    // GIVEN
    const loaded = freshInstallPlanWith('fresh-install-rosa', (raw) => {
      raw.spec.fileStorage = { kind: 'pvc', accessMode: 'ReadWriteOnce', size: '2Gi' };
    });

    // WHEN
    const system = (find(rendered(loaded), 'APIManager', 'apimanager').spec as { system: { sidekiqSpec: unknown; appSpec: unknown } }).system;

    // THEN
    expect(system.sidekiqSpec).toEqual({
      replicas: 1,
      affinity: { podAffinity: { requiredDuringSchedulingIgnoredDuringExecution: [{ labelSelector: { matchLabels: { deployment: 'system-app' } }, topologyKey: 'kubernetes.io/hostname' }] } },
    });
    expect(system.appSpec).toEqual({ replicas: 1 });
  });

  it('GIVEN ReadWriteMany or S3 file storage WHEN rendered THEN no affinity is set: the pods may spread', () => {
    for (const loaded of [loadFreshInstallExample('fresh-install-openshift'), loadFreshInstallExample('fresh-install-rosa')]) {
      const system = (find(rendered(loaded), 'APIManager', loaded.plan.spec.threescale.apiManagerName).spec as { system: { sidekiqSpec: object } }).system;
      expect(system.sidekiqSpec).not.toHaveProperty('affinity');
    }
  });
});
