/**
 * Specification of the fresh-install procedure of the registry (src/procedures/fresh-install/fresh-install.ts): its phases,
 * which of them a plan runs, and what they say they change, for the two examples.
 */
import { describe, expect, it } from 'vitest';
import { freshInstall, managedSecrets } from '../../src/procedures/fresh-install/fresh-install.js';
import { plannedPhases, procedureById } from '../../src/phases/registry.js';
import { freshInstallPlanWith, loadFreshInstallExample } from '../support/plans.js';

const rosa = loadFreshInstallExample('fresh-install-rosa').plan;
const ocp = loadFreshInstallExample('fresh-install-openshift').plan;
const phase = (id: string) => freshInstall.phases.find((p) => p.id === id)!;

describe('fresh-install procedure', () => {
  it('GIVEN the registry WHEN the procedure is looked up THEN it belongs to the FreshInstallPlan kind beside the migration', () => {
    // GIVEN / WHEN
    const procedure = procedureById('fresh-install');

    // THEN
    expect(procedure.planKind).toBe('FreshInstallPlan');
    expect(procedure.phases.map((p) => p.id)).toEqual(['preflight', 'operator', 'databases', 'apimanager', 'verify']);
    expect(procedureById('externalize-on-cluster').planKind).toBe('MigrationPlan');
  });

  it('GIVEN a plan whose databases are all managed elsewhere WHEN planned THEN the databases and verify phases are left out, their numbers kept', () => {
    // GIVEN
    const { plan } = freshInstallPlanWith('fresh-install-openshift', (raw) => {
      raw.spec.databases.backendRedis = { kind: 'managed' };
      raw.spec.databases.systemRedis = { kind: 'managed' };
    });

    // WHEN
    const folders = plannedPhases(plan).map((p) => p.folder);

    // THEN
    expect(folders).toEqual(['00-preflight', '01-operator', '03-apimanager']);
    expect(managedSecrets(plan)).toEqual(['system-database', 'backend-redis', 'system-redis']);
  });

  it('GIVEN the ROSA plan WHEN the APIManager phase describes itself THEN it names S3 with STS and the six Route hosts zync creates', () => {
    // GIVEN / WHEN
    const lines = phase('apimanager').describe(rosa);

    // THEN
    expect(lines[0]).toContain('file storage S3 (Secret aws-auth, STS)');
    expect(lines[1]).toBe(
      'zync then creates the Routes: backend-3scale.apps.rosa-prod.x7k2.p1.openshiftapps.com, 3scale-admin.apps.rosa-prod.x7k2.p1.openshiftapps.com, 3scale.apps.rosa-prod.x7k2.p1.openshiftapps.com, master.apps.rosa-prod.x7k2.p1.openshiftapps.com, api-3scale-apicast-staging.apps.rosa-prod.x7k2.p1.openshiftapps.com, api-3scale-apicast-production.apps.rosa-prod.x7k2.p1.openshiftapps.com',
    );
  });

  it('GIVEN a ReadWriteOnce file storage WHEN the APIManager phase describes itself THEN it says the tool creates system-storage first', () => {
    // GIVEN
    const { plan } = freshInstallPlanWith('fresh-install-rosa', (raw) => {
      raw.spec.fileStorage = { kind: 'pvc', accessMode: 'ReadWriteOnce' };
    });

    // WHEN / THEN
    expect(phase('apimanager').describe(plan)[0]).toBe('PVC system-storage (ReadWriteOnce, 100Mi) created before the APIManager, because the operator would ask for ReadWriteMany');
    // AND that sidekiq is put on the node of system-app, as both mount it
    expect(phase('apimanager').describe(plan).at(-1)).toBe(
      'system-sidekiq scheduled on the node of system-app (spec.system.sidekiqSpec.affinity, required pod affinity by kubernetes.io/hostname): the ReadWriteOnce system-storage attaches to one node and both mount it',
    );
  });

  it('GIVEN the OpenShift plan with a managed System database WHEN the databases phase says what it expects THEN the Secret to provide is named', () => {
    // GIVEN / WHEN / THEN
    expect(phase('databases').expects(ocp)).toContain('Secret api-management/system-database of the managed server exists (created by you or your secret operator)');
    expect(phase('preflight').describe(ocp)[1]).toBe(
      'Job check-images in api-management: mirror.example.internal:5000 resolves through the cluster\'s DNS, and 7 images of the plan have a manifest for linux/amd64',
    );
  });
});
