/**
 * Specification of the live preflight checks of a fresh install (src/procedures/fresh-install/live-checks.ts), on objects
 * shaped like a ROSA cluster's: each check passes on the cluster the ROSA example was written for, and fails
 * with one line naming the cause on the cluster the field report met.
 */
import { describe, expect, it } from 'vitest';
import type { KubeObject } from '../../src/kube/kube-object.js';
import { checkCluster, checkNodes, checkResources, checkRoutes, checkSecrets, checkStorage, type ClusterFacts } from '../../src/procedures/fresh-install/live-checks.js';
import { node, pod, rosaCluster, route, storageClass } from '../support/fresh-install-cluster.js';
import { freshInstallPlanWith, loadFreshInstallExample } from '../support/plans.js';

const ROSA = loadFreshInstallExample('fresh-install-rosa').plan;
const DOMAIN = 'apps.rosa-prod.x7k2.p1.openshiftapps.com';

function facts(objects: readonly KubeObject[], secrets: readonly KubeObject[] = []): ClusterFacts {
  const of = (kind: string) => objects.filter((o) => o.kind === kind);
  return { storageClasses: of('StorageClass'), nodes: of('Node'), pods: of('Pod'), routes: of('Route'), secrets };
}

const awsAuth: KubeObject = { apiVersion: 'v1', kind: 'Secret', metadata: { name: 'aws-auth', namespace: '3scale' }, data: { AWS_BUCKET: '', AWS_REGION: '', AWS_ROLE_ARN: '' } };

describe('checkCluster on the ROSA cluster of the example', () => {
  it('GIVEN the ROSA plan and its cluster with the S3 Secret WHEN checked THEN every check passes', () => {
    // GIVEN / WHEN
    const checks = checkCluster(ROSA, facts(rosaCluster(), [awsAuth]));

    // THEN
    expect(checks.map((c) => [c.id, c.ok])).toEqual([['storage', true], ['nodes', true], ['resources', true], ['routes', true], ['secrets', true]]);
    expect(checks.find((c) => c.id === 'nodes')!.message).toBe('3 schedulable node(s), amd64');
    expect(checks.find((c) => c.id === 'resources')!.message).toBe('15 pod(s) requesting 4380m CPU and 6717Mi fit on 3 node(s)');
  });
});

describe('checkStorage', () => {
  it('GIVEN a plan naming a class the cluster does not have WHEN checked THEN it fails naming the classes there are', () => {
    // GIVEN a cluster with gp2-csi only
    // WHEN
    const check = checkStorage(ROSA, facts([storageClass('gp2-csi')]));

    // THEN
    expect(check).toEqual({ id: 'storage', ok: false, message: expect.stringContaining('spec.databases.system.storage: storage class "gp3" does not exist (the cluster has gp2-csi)') });
  });

  it('GIVEN a plan that wrongly lists ReadWriteMany for gp3 WHEN checked against the EBS provisioner THEN the claim is refused (the report\'s MULTI_NODE_MULTI_WRITER)', () => {
    // GIVEN the plan's own list is wrong, so the plan validation let it through
    const plan = freshInstallPlanWith('fresh-install-rosa', (raw) => {
      raw.spec.storageClasses[0].accessModes = ['ReadWriteOnce', 'ReadWriteMany'];
      raw.spec.fileStorage = { kind: 'pvc', storageClassName: 'gp3' };
    }).plan;

    // WHEN
    const check = checkStorage(plan, facts(rosaCluster()));

    // THEN
    expect(check.ok).toBe(false);
    expect(check.message).toContain('spec.fileStorage: system-storage asks for ReadWriteMany, but class "gp3" is provisioned by ebs.csi.aws.com, which attaches a volume to one node only');
  });
});

describe('checkNodes', () => {
  it('GIVEN arm64 workers and a plan checking amd64 images WHEN checked THEN it fails naming the nodes (the report\'s architecture mismatch)', () => {
    // GIVEN
    const objects = [node('worker-a', { arch: 'arm64' }), node('worker-b')];

    // WHEN
    const check = checkNodes(ROSA, facts(objects));

    // THEN
    expect(check).toEqual({ id: 'nodes', ok: false, message: 'worker-a is arm64, but spec.images.architectures lists amd64: add it, so the images are checked for it (images from registry.redhat.io)' });
  });

  it('GIVEN only tainted infra and master nodes WHEN checked THEN it fails naming the untolerated taints', () => {
    // GIVEN / WHEN
    const check = checkNodes(ROSA, facts([node('infra-1', { role: 'infra' }), node('master-1', { role: 'master' }), node('worker-down', { ready: false })]));

    // THEN
    expect(check.ok).toBe(false);
    expect(check.message).toBe('no ready, schedulable node without an untolerated taint; tainted: infra-1 (node-role.kubernetes.io/infra:NoSchedule), master-1 (node-role.kubernetes.io/master:NoSchedule)');
  });
});

describe('checkResources', () => {
  it('GIVEN two small workers mostly in use WHEN the requests are fitted THEN it fails naming the pod that does not fit (the report\'s Insufficient cpu)', () => {
    // GIVEN
    const objects = [node('w1', { cpu: '2', memory: '8Gi' }), node('w2', { cpu: '2', memory: '8Gi' }), pod('other', 'batch-1', 'w1', { cpu: '1500m', memory: '1Gi' }), pod('other', 'batch-2', 'w2', { cpu: '1500m', memory: '1Gi' })];

    // WHEN
    const check = checkResources(ROSA, facts(objects));

    // THEN
    expect(check.ok).toBe(false);
    expect(check.message).toMatch(/^backend-redis-external requests 1000m CPU and 1024Mi but no node has that room left once the pods before it are placed \(most free: w1 500m, 7168Mi\); the install requests 4380m CPU and 6717Mi in all: add nodes, or set spec\.threescale\.resourceRequirementsEnabled: false/);
  });

  it('GIVEN the same workers and resource requirements off WHEN fitted THEN only the database servers count and it still names what does not fit', () => {
    // GIVEN
    const plan = freshInstallPlanWith('fresh-install-rosa', (raw) => {
      raw.spec.threescale.resourceRequirementsEnabled = false;
      raw.spec.databases.backendRedis.resources = { requests: { cpu: '100m', memory: '256Mi' } };
      raw.spec.databases.systemRedis.resources = { requests: { cpu: '100m', memory: '256Mi' } };
    }).plan;
    const objects = [node('w1', { cpu: '2', memory: '8Gi' }), pod('other', 'batch-1', 'w1', { cpu: '1500m', memory: '1Gi' })];

    // WHEN
    const check = checkResources(plan, facts(objects));

    // THEN
    expect(check).toEqual({ id: 'resources', ok: true, message: '3 pod(s) requesting 450m CPU and 1024Mi fit on 1 node(s)' });
  });
});

describe('checkRoutes', () => {
  it('GIVEN a Route of another namespace holding the admin portal host WHEN checked THEN it fails (the report\'s HostAlreadyClaimed)', () => {
    // GIVEN the report's hand-made route
    const objects = [route('3scale-backup', 'system-admin', `3scale-admin.${DOMAIN}`, 'system-provider')];

    // WHEN
    const check = checkRoutes(ROSA, facts(objects));

    // THEN
    expect(check.ok).toBe(false);
    expect(check.message).toBe(
      `3scale-admin.${DOMAIN} (admin portal) is held by Route 3scale-backup/system-admin: zync's Route would be HostAlreadyClaimed; delete that Route or change spec.threescale.wildcardDomain or tenantName`,
    );
  });

  it('GIVEN zync\'s own Routes in the 3scale namespace (a rerun after the install) WHEN checked THEN they are no conflict', () => {
    // GIVEN / WHEN
    const check = checkRoutes(ROSA, facts([route('3scale', 'zync-3scale-provider-q9hh9', `3scale-admin.${DOMAIN}`, 'system-provider')]));

    // THEN
    expect(check).toEqual({ id: 'routes', ok: true, message: `the 6 host names under ${DOMAIN} are free` });
  });
});

describe('checkSecrets', () => {
  it('GIVEN the S3 Secret without AWS_REGION, or absent WHEN checked THEN it fails naming the Secret and key', () => {
    // GIVEN
    const partial: KubeObject = { ...awsAuth, data: { AWS_BUCKET: '' } };

    // WHEN / THEN
    expect(checkSecrets(ROSA, facts([], [partial])).message).toContain('Secret 3scale/aws-auth has no AWS_REGION');
    expect(checkSecrets(ROSA, facts([], [])).message).toContain('Secret 3scale/aws-auth does not exist');
  });
});
