/**
 * Specification of charts/scripts/kube/backup-objects.sh, run with bash and the built kubectl against the real
 * API server of the tests (DeploymentConfigs, ImageStreams and Routes served by the stand-in CRDs) holding the
 * exported 3scale 2.5 template install, with the environment the backup phase renders for
 * examples/template-2.5-to-2.6, under a token of the ServiceAccount its chart renders: the server's RBAC decides
 * every request as on a cluster.
 */
import { describe, expect, it } from 'vitest';
import type { KubeObject } from '../../src/kube/kube-object.js';
import { EXAMPLE_PLANS, renderedKubeJob, type RenderedKubeJob } from '../support/fake-api-kubectl.js';
import { leakedSecrets } from '../support/live-fixtures.js';
import { useRealKubeScriptSuite } from '../support/real-api/index.js';

const NS = '3scale';

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

describe('kube/backup-objects.sh on the real API server, under the Job\'s ServiceAccount', () => {
  let backup: RenderedKubeJob;
  const cluster = useRealKubeScriptSuite('template', [NS], () => [backup], {
    setup: async () => {
      backup = await renderedKubeJob(EXAMPLE_PLANS.template, 'backup-objects');
    },
  });

  /** The object a backup holds, parsed from its ConfigMap (or Secret, base64) `object.json`. */
  const backedUp = async (name: string, secret = false): Promise<Record<string, any> | undefined> => {
    const store = await cluster().get('v1', secret ? 'Secret' : 'ConfigMap', NS, name);
    if (!store) return undefined;
    const raw = (store.data as Record<string, string>)['object.json']!;
    return JSON.parse(secret ? Buffer.from(raw, 'base64').toString('utf8') : raw);
  };

  it('GIVEN the example plan WHEN the backup phase renders THEN its Job lists every DeploymentConfig, ImageStream, Route, Secret system-redis and the wildcard router Service', () => {
    const objects = listed(backup);
    expect(backup).toMatchObject({ namespace: NS, script: 'kube/backup-objects.sh' });
    expect(objects.filter((o) => o.kind === 'DeploymentConfig')).toHaveLength(15);
    expect(objects.filter((o) => o.kind === 'ImageStream')).toHaveLength(6);
    expect(objects.filter((o) => o.kind === 'Route')).toHaveLength(6);
    expect(objects.filter((o) => o.kind === 'Secret').map((o) => o.name)).toEqual(['system-redis']);
    expect(objects.filter((o) => o.kind === 'Service').map((o) => o.name)).toEqual(['apicast-wildcard-router']);
  });

  it('GIVEN the 2.5 install WHEN the backup Job runs under its ServiceAccount THEN each object is copied inside the cluster without its server fields, the Secret into a Secret', async () => {
    // GIVEN
    const objects = listed(backup);

    // WHEN
    const r = await cluster().run();

    // THEN
    expect(r.code, r.stderr).toBe(0);
    for (const o of objects) {
      const live = (await cluster().get(o.apiVersion, o.kind, NS, o.name))! as Record<string, any>;
      const copy = await backedUp(o.backup, o.kind === 'Secret');
      expect(copy, o.backup).toBeDefined();
      expect(copy!.metadata.uid).toBeUndefined();
      expect(copy!.metadata.resourceVersion).toBeUndefined();
      expect(copy!.metadata.managedFields).toBeUndefined();
      expect(copy!.status).toBeUndefined();
      expect(copy!.spec ?? copy!.data).toEqual(live.spec ?? live.data);
      expect(await cluster().get('v1', o.kind === 'Secret' ? 'ConfigMap' : 'Secret', NS, o.backup), `${o.backup} in the other store`).toBeUndefined();
    }
    expect(r.stderr).toContain(`backed up ${objects.length} objects, 0 backups kept, 0 absent`);
    expect((await cluster().evidence(NS, 'backup-objects'))['backup-objects.phase']).toBe('Succeeded');
    // AND no secret value reached the log or a ConfigMap
    expect(leakedSecrets(r.stdout + r.stderr)).toEqual([]);
    const configMaps = (await cluster().list('v1', 'ConfigMap', NS)).map((c) => JSON.stringify(c.data));
    expect(leakedSecrets(configMaps.join('\n'))).toEqual([]);
  });

  it('GIVEN a backup already taken and a DeploymentConfig changed since WHEN the Job runs again THEN the 2.5 copy is kept, not overwritten', async () => {
    // GIVEN
    expect((await cluster().run()).code).toBe(0);
    const dc = structuredClone((await cluster().get('apps.openshift.io/v1', 'DeploymentConfig', NS, 'system-app'))!) as KubeObject & Record<string, any>;
    dc.spec.template.spec.serviceAccountName = 'amp';
    await cluster().put(dc);

    // WHEN
    const r = await cluster().run();

    // THEN
    expect(r.code, r.stderr).toBe(0);
    expect(r.stderr).toContain(`backed up 0 objects, ${listed(backup).length} backups kept, 0 absent`);
    expect((await backedUp('threescale-migrate-backup-deploymentconfig-system-app'))!.spec.template.spec.serviceAccountName).toBeUndefined();
  });

  it('GIVEN a listed Route deleted before the backup WHEN the Job runs THEN it is reported absent and the others are backed up', async () => {
    // GIVEN
    await cluster().remove('route.openshift.io/v1', 'Route', NS, 'system-developer');

    // WHEN
    const r = await cluster().run();

    // THEN
    expect(r.code, r.stderr).toBe(0);
    expect(r.stderr).toContain('route.route.openshift.io/system-developer is absent, nothing to back up');
    expect(r.stderr).toContain(`backed up ${listed(backup).length - 1} objects, 0 backups kept, 1 absent`);
    expect(await backedUp('threescale-migrate-backup-route-system-developer')).toBeUndefined();
  });

  it('GIVEN the Job\'s Role without create on ConfigMaps WHEN the Job runs THEN the server refuses it, the script fails and writes no backup, as on a cluster', async () => {
    // GIVEN the Role the chart renders, with create removed from the rule on ConfigMaps
    const role = structuredClone(backup.access.find((o) => o.kind === 'Role')!) as KubeObject & { rules: { resources?: string[]; verbs: string[] }[] };
    role.rules = role.rules.map((r) => (r.resources?.includes('configmaps') ? { ...r, verbs: r.verbs.filter((v) => v !== 'create') } : r)).filter((r) => r.verbs.length > 0);
    await cluster().put(role);

    // WHEN
    const r = await cluster().run();

    // THEN
    expect(r.code).not.toBe(0);
    expect(r.stderr).toMatch(/forbidden/i);
    expect(await backedUp('threescale-migrate-backup-deploymentconfig-system-app')).toBeUndefined();
  });
});
