/**
 * Specification of charts/scripts/kube/backup-objects.sh, run with bash and the real kubectl against the
 * fake API server (serving DeploymentConfigs and ImageStreams, as OpenShift does) holding the exported 3scale
 * 2.5 template install, with the environment the backup phase renders for examples/template-2.5-to-2.6.
 */
import { describe, expect, it } from 'vitest';
import type { KubeObject } from '../../src/kube/kube-object.js';
import { checkKubectl, EXAMPLE_PLANS, evidenceOf, OPENSHIFT_APIS, renderedKubeJob, requestsOutsideRole, skipKubectlSuite, useKubeScriptSuite, type RenderedKubeJob } from '../support/fake-api-kubectl.js';
import { leakedSecrets } from '../support/live-fixtures.js';

const kubectl = checkKubectl();

/** The apiVersion/kind of a kubectl resource name of the OBJECTS lines. */
const KINDS: Record<string, { apiVersion: string; kind: string }> = {
  'deploymentconfig.apps.openshift.io': { apiVersion: 'apps.openshift.io/v1', kind: 'DeploymentConfig' },
  'imagestream.image.openshift.io': { apiVersion: 'image.openshift.io/v1', kind: 'ImageStream' },
  'route.route.openshift.io': { apiVersion: 'route.openshift.io/v1', kind: 'Route' },
  secret: { apiVersion: 'v1', kind: 'Secret' },
  service: { apiVersion: 'v1', kind: 'Service' },
};

function listed(job: RenderedKubeJob) {
  return job.env.OBJECTS!.split('\n').map((line) => {
    const [resource, name] = line.split(' ') as [string, string];
    return { resource, name, backup: `threescale-migrate-backup-${resource.split('.')[0]}-${name}`, ...KINDS[resource]! };
  });
}

describe.skipIf(skipKubectlSuite(kubectl))('kube/backup-objects.sh', () => {
  let backup: RenderedKubeJob;
  const kube = useKubeScriptSuite(kubectl, 'template', {
    clusterPerTest: ['3scale'],
    apis: OPENSHIFT_APIS,
    setup: async () => {
      backup = await renderedKubeJob(EXAMPLE_PLANS.template, 'backup-objects');
    },
  });

  /** The object a backup holds, parsed from its ConfigMap (or Secret, base64) `object.json`. */
  const backedUp = (name: string, secret = false): Record<string, any> | undefined => {
    const store = kube.cluster.api.store.get('v1', secret ? 'Secret' : 'ConfigMap', '3scale', name);
    if (!store) return undefined;
    const raw = (store.data as Record<string, string>)['object.json']!;
    return JSON.parse(secret ? Buffer.from(raw, 'base64').toString('utf8') : raw);
  };

  it('GIVEN the example plan WHEN the backup phase renders THEN its Job lists every DeploymentConfig, ImageStream, Route, Secret system-redis and the wildcard router Service', () => {
    const objects = listed(backup);
    expect(backup).toMatchObject({ namespace: '3scale', script: 'kube/backup-objects.sh' });
    expect(objects.filter((o) => o.kind === 'DeploymentConfig')).toHaveLength(15);
    expect(objects.filter((o) => o.kind === 'ImageStream')).toHaveLength(6);
    expect(objects.filter((o) => o.kind === 'Route')).toHaveLength(6);
    expect(objects.filter((o) => o.kind === 'Secret').map((o) => o.name)).toEqual(['system-redis']);
    expect(objects.filter((o) => o.kind === 'Service').map((o) => o.name)).toEqual(['apicast-wildcard-router']);
  });

  it('GIVEN the 2.5 install WHEN the backup Job runs THEN each object is copied inside the cluster without its server fields, the Secret into a Secret, within the Role', async () => {
    // GIVEN
    const objects = listed(backup);

    // WHEN
    const r = await kube.cluster.run(backup);

    // THEN
    expect(r.code, r.stderr).toBe(0);
    for (const o of objects) {
      const live = kube.cluster.api.store.get(o.apiVersion, o.kind, '3scale', o.name)! as Record<string, any>;
      const copy = backedUp(o.backup, o.kind === 'Secret');
      expect(copy, o.backup).toBeDefined();
      expect(copy!.metadata.uid).toBeUndefined();
      expect(copy!.metadata.resourceVersion).toBeUndefined();
      expect(copy!.status).toBeUndefined();
      expect(copy!.spec ?? copy!.data).toEqual(live.spec ?? live.data);
      expect(kube.cluster.api.store.get('v1', o.kind === 'Secret' ? 'ConfigMap' : 'Secret', '3scale', o.backup), `${o.backup} in the other store`).toBeUndefined();
    }
    expect(r.stderr).toContain(`backed up ${objects.length} objects, 0 backups kept, 0 absent`);
    expect(evidenceOf(kube.cluster.api, '3scale', 'backup-objects')['backup-objects.phase']).toBe('Succeeded');
    expect(requestsOutsideRole(kube.cluster.api.requests, backup)).toEqual([]);
    // AND no secret value reached the log or a ConfigMap
    expect(leakedSecrets(r.stdout + r.stderr)).toEqual([]);
    const configMaps = kube.cluster.api.store.list('v1', 'ConfigMap', '3scale').map((c) => JSON.stringify(c.data));
    expect(leakedSecrets(configMaps.join('\n'))).toEqual([]);
  });

  it('GIVEN a backup already taken and a DeploymentConfig changed since WHEN the Job runs again THEN the 2.5 copy is kept, not overwritten', async () => {
    // GIVEN
    expect((await kube.cluster.run(backup)).code).toBe(0);
    const dc = structuredClone(kube.cluster.api.store.get('apps.openshift.io/v1', 'DeploymentConfig', '3scale', 'system-app')!) as KubeObject & Record<string, any>;
    dc.spec.template.spec.serviceAccountName = 'amp';
    kube.cluster.api.store.put(dc);

    // WHEN
    const r = await kube.cluster.run(backup);

    // THEN
    expect(r.code, r.stderr).toBe(0);
    expect(r.stderr).toContain(`backed up 0 objects, ${listed(backup).length} backups kept, 0 absent`);
    expect(backedUp('threescale-migrate-backup-deploymentconfig-system-app')!.spec.template.spec.serviceAccountName).toBeUndefined();
  });

  it('GIVEN a listed Route deleted before the backup WHEN the Job runs THEN it is reported absent and the others are backed up', async () => {
    // GIVEN
    kube.cluster.api.store.remove('route.openshift.io/v1', 'Route', '3scale', 'system-developer');

    // WHEN
    const r = await kube.cluster.run(backup);

    // THEN
    expect(r.code, r.stderr).toBe(0);
    expect(r.stderr).toContain('route.route.openshift.io/system-developer is absent, nothing to back up');
    expect(r.stderr).toContain(`backed up ${listed(backup).length - 1} objects, 0 backups kept, 1 absent`);
    expect(backedUp('threescale-migrate-backup-route-system-developer')).toBeUndefined();
  });
});
