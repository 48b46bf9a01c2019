/**
 * Specification of charts/constructs/migration-job.ts: a Job running one of the repository's scripts under
 * its own ServiceAccount, with one Role per namespace granting exactly the evidence ConfigMap rights plus
 * what the script asked for, the scripts in a ConfigMap, and a restricted pod security context.
 */
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Testing } from 'cdk8s';
import { describe, expect, test } from 'vitest';
import { EVIDENCE_CONFIGMAP, MigrationJob, type MigrationJobProps, SCRIPTS_MOUNT } from '../../charts/constructs/migration-job.js';
import type { KubeObject } from '../../src/kube/kube-object.js';
import { validateManifest } from '../../src/validate/validate-manifest.js';
import { find, ROOT } from '../support/plans.js';

const EVIDENCE_RULES = [
  { apiGroups: [''], resources: ['configmaps'], verbs: ['create'] },
  { apiGroups: [''], resources: ['configmaps'], resourceNames: ['threescale-migrate-evidence'], verbs: ['get', 'patch'] },
];

const BASE: MigrationJobProps = {
  name: 'copy-system-database',
  namespace: '3scale-db',
  phaseId: 'copy-data',
  wave: 1,
  migration: 'prod-3scale',
  image: 'registry.redhat.io/rhel9/postgresql-15',
  scripts: ['pg-copy.sh', 'lib/common.sh', 'lib/evidence.sh'],
  env: [
    { name: 'SOURCE_PGHOST', value: 'system-postgresql.3scale.svc.cluster.local' },
    { name: 'SOURCE_PGPASSWORD', valueFrom: { secretKeyRef: { name: 'system-database', key: 'DB_PASSWORD' } } },
  ],
  activeDeadlineSeconds: 3600,
};

function render(props: Partial<MigrationJobProps> = {}): KubeObject[] {
  const chart = Testing.chart();
  new MigrationJob(chart, 'Job', { ...BASE, ...props });
  return chart.toJson() as KubeObject[];
}

const script = (file: string) => readFileSync(join(ROOT, 'charts', 'scripts', file), 'utf8');

describe('MigrationJob', () => {
  test('renders a ServiceAccount, a Role and RoleBinding, the scripts ConfigMap and the Job, all named after the Job', () => {
    // GIVEN
    const props = {};

    // WHEN
    const objects = render(props);

    // THEN
    expect(objects.map((o) => `${o.kind} ${o.metadata.namespace}/${o.metadata.name}`).sort()).toEqual([
      'ConfigMap 3scale-db/copy-system-database-scripts',
      'Job 3scale-db/copy-system-database',
      'Role 3scale-db/copy-system-database',
      'RoleBinding 3scale-db/copy-system-database',
      'ServiceAccount 3scale-db/copy-system-database',
    ]);
  });

  test('grants exactly the evidence ConfigMap rights when the script asks for nothing else', () => {
    // GIVEN
    const props = { access: [] };

    // WHEN
    const role = find(render(props), 'Role', 'copy-system-database') as any;

    // THEN
    expect(EVIDENCE_CONFIGMAP).toBe('threescale-migrate-evidence');
    expect(role.rules).toEqual(EVIDENCE_RULES);
  });

  test('grants the evidence rights plus exactly what was asked, with one Role and RoleBinding per namespace', () => {
    // GIVEN
    const access = [
      { namespace: '3scale-db', rules: [{ apiGroups: [''], resources: ['secrets'], resourceNames: ['a'], verbs: ['get'] }] },
      { namespace: '3scale', rules: [{ apiGroups: [''], resources: ['secrets'], resourceNames: ['system-database'], verbs: ['get'] }] },
      { namespace: '3scale-db', rules: [{ apiGroups: ['apps'], resources: ['deployments'], resourceNames: ['b'], verbs: ['get', 'patch'] }] },
    ];

    // WHEN
    const objects = render({ access });

    // THEN
    const roles = objects.filter((o) => o.kind === 'Role') as any[];
    const bindings = objects.filter((o) => o.kind === 'RoleBinding') as any[];
    expect(roles.map((r) => `${r.metadata.namespace}/${r.metadata.name}`)).toEqual(['3scale-db/copy-system-database', '3scale/copy-system-database-3scale-db']);
    expect(roles[0].rules).toEqual([...EVIDENCE_RULES, access[0]!.rules[0], access[2]!.rules[0]]);
    expect(roles[1].rules).toEqual(access[1]!.rules);
    expect(bindings).toHaveLength(2);
    for (const [i, b] of bindings.entries()) {
      expect(b.metadata.namespace).toBe(roles[i].metadata.namespace);
      expect(b.roleRef).toEqual({ apiGroup: 'rbac.authorization.k8s.io', kind: 'Role', name: roles[i].metadata.name });
      expect(b.subjects).toEqual([{ kind: 'ServiceAccount', name: 'copy-system-database', namespace: '3scale-db' }]);
    }
  });

  test('GIVEN the objects a Job fills WHEN rendered THEN its evidence names them (EVIDENCE_TARGETS) and its Role may get exactly them', () => {
    // GIVEN a PVC and a Deployment in the Job's namespace
    const fills = [
      { kind: 'PersistentVolumeClaim' as const, namespace: '3scale-db', name: 'postgresql-data-external' },
      { kind: 'Deployment' as const, namespace: '3scale-db', name: 'system-postgresql-external' },
    ];

    // WHEN
    const objects = render({ fills });

    // THEN
    const job = find(objects, 'Job', 'copy-system-database') as any;
    const env = job.spec.template.spec.containers[0].env as { name: string; value?: string }[];
    expect(env.find((e) => e.name === 'EVIDENCE_TARGETS')?.value).toBe('PersistentVolumeClaim/3scale-db/postgresql-data-external Deployment/3scale-db/system-postgresql-external');
    expect((find(objects, 'Role', 'copy-system-database') as any).rules).toEqual([
      ...EVIDENCE_RULES,
      { apiGroups: [''], resources: ['persistentvolumeclaims'], resourceNames: ['postgresql-data-external'], verbs: ['get'] },
      { apiGroups: ['apps'], resources: ['deployments'], resourceNames: ['system-postgresql-external'], verbs: ['get'] },
    ]);
    // AND a Job that fills nothing carries no EVIDENCE_TARGETS
    const plain = find(render(), 'Job', 'copy-system-database') as any;
    expect((plain.spec.template.spec.containers[0].env as { name: string }[]).map((e) => e.name)).not.toContain('EVIDENCE_TARGETS');
  });

  test('holds the script files in the scripts ConfigMap and mounts them read-only under their own paths', () => {
    // GIVEN
    const scripts = BASE.scripts;

    // WHEN
    const objects = render();

    // THEN
    const cm = find(objects, 'ConfigMap', 'copy-system-database-scripts') as any;
    expect(cm.data).toEqual({ 'pg-copy.sh': script('pg-copy.sh'), 'lib.common.sh': script('lib/common.sh'), 'lib.evidence.sh': script('lib/evidence.sh') });
    const pod = (find(objects, 'Job', 'copy-system-database') as any).spec.template.spec;
    expect(pod.volumes[0]).toEqual({
      name: 'scripts',
      configMap: { name: 'copy-system-database-scripts', defaultMode: 0o555, items: scripts.map((f) => ({ key: f.replace(/\//g, '.'), path: f })) },
    });
    expect(pod.containers[0].volumeMounts[0]).toEqual({ name: 'scripts', mountPath: SCRIPTS_MOUNT, readOnly: true });
    expect(pod.containers[0].command).toEqual(['bash', '/opt/threescale-migrate/pg-copy.sh']);
  });

  test('runs the pod as non-root with the runtime seccomp profile, no privilege escalation and no capabilities', () => {
    // GIVEN / WHEN
    const pod = (find(render(), 'Job', 'copy-system-database') as any).spec.template.spec;

    // THEN
    expect(pod.securityContext).toEqual({ runAsNonRoot: true, seccompProfile: { type: 'RuntimeDefault' } });
    expect(pod.containers).toHaveLength(1);
    expect(pod.containers[0].securityContext).toEqual({ allowPrivilegeEscalation: false, capabilities: { drop: ['ALL'] } });
    expect(pod.restartPolicy).toBe('Never');
    expect(pod.serviceAccountName).toBe('copy-system-database');
  });

  test('passes the evidence context first and the script environment after it, credentials only by reference', () => {
    // GIVEN / WHEN
    const job = find(render(), 'Job', 'copy-system-database') as any;

    // THEN
    expect(job.spec.template.spec.containers[0].env).toEqual([
      { name: 'NAMESPACE', valueFrom: { fieldRef: { fieldPath: 'metadata.namespace' } } },
      { name: 'PHASE', value: 'copy-data' },
      { name: 'JOB_SHA256', value: expect.stringMatching(/^[0-9a-f]{64}$/) },
      { name: 'EVIDENCE_CONFIGMAP', value: 'threescale-migrate-evidence' },
      { name: 'EVIDENCE_STEP', value: 'copy-system-database' },
      ...BASE.env,
    ]);
    expect(job.spec).toMatchObject({ backoffLimit: 2, activeDeadlineSeconds: 3600 });
  });

  test('GIVEN the same inputs WHEN rendered twice THEN the Job digest is the same; GIVEN another env value, image or script set THEN it differs', () => {
    // GIVEN
    const digest = (props: Partial<MigrationJobProps> = {}) => (find(render(props), 'Job', 'copy-system-database') as any).spec.template.spec.containers[0].env.find((e: any) => e.name === 'JOB_SHA256').value;
    const base = digest();

    // WHEN / THEN
    expect(digest()).toBe(base);
    expect(digest({ env: [...BASE.env, { name: 'TARGET_PGPORT', value: '5433' }] })).not.toBe(base);
    expect(digest({ image: 'registry.redhat.io/rhel9/postgresql-16' })).not.toBe(base);
    expect(digest({ scripts: ['pg-copy.sh', 'lib/common.sh', 'lib/evidence.sh', 'lib/pg-state.sh'] })).not.toBe(base);
    expect(digest({ activeDeadlineSeconds: 7200 })).not.toBe(base);
  });

  test('marks the Job as an Argo CD Sync hook in its wave and the helpers as phase-local', () => {
    // GIVEN / WHEN
    const objects = render({ wave: 3 });

    // THEN
    const job = find(objects, 'Job', 'copy-system-database');
    expect(job.metadata.annotations).toEqual({
      'threescale-migrate.3scale.net/scope': 'phase',
      'threescale-migrate.3scale.net/phase': 'copy-data',
      'argocd.argoproj.io/hook': 'Sync',
      'argocd.argoproj.io/hook-delete-policy': 'BeforeHookCreation',
      'argocd.argoproj.io/sync-wave': '3',
      'kustomize.toolkit.fluxcd.io/force': 'enabled',
    });
    for (const o of objects.filter((x) => x.kind !== 'Job')) {
      // AND the scripts ConfigMap also carries the Job's inputs digest (below)
      const { 'threescale-migrate.3scale.net/job-sha256': _digest, ...annotations } = o.metadata.annotations ?? {};
      expect(annotations).toEqual({ 'threescale-migrate.3scale.net/scope': 'phase', 'threescale-migrate.3scale.net/phase': 'copy-data' });
    }
    for (const o of objects) {
      expect(o.metadata.labels).toEqual({
        'app.kubernetes.io/managed-by': 'threescale-migrate',
        'threescale-migrate.3scale.net/migration': 'prod-3scale',
        'app.kubernetes.io/name': 'copy-system-database',
      });
    }
  });

  test('stamps the pod template with a digest of the scripts, so a changed script reruns the Job', () => {
    // GIVEN
    const digest = (objects: KubeObject[]) => (find(objects, 'Job', 'copy-system-database') as any).spec.template.metadata.annotations['threescale-migrate.3scale.net/scripts-sha256'];

    // WHEN
    const a = digest(render());
    const b = digest(render());
    const other = digest(render({ scripts: ['redis-copy-rdb.sh', 'lib/common.sh', 'lib/evidence.sh'] }));

    // THEN
    expect(a).toMatch(/^[0-9a-f]{64}$/);
    expect(b).toBe(a);
    expect(other).not.toBe(a);
    expect(a).not.toBe(createHash('sha256').update('').digest('hex'));
  });

  test('adds the extra volumes and mounts after the scripts, and takes the retry count given', () => {
    // GIVEN
    const volumes = [{ name: 'data', persistentVolumeClaim: { claimName: 'backend-redis-storage-external' } }];
    const volumeMounts = [{ name: 'data', mountPath: '/var/lib/redis/data' }];

    // WHEN
    const job = find(render({ volumes, volumeMounts, backoffLimit: 0 }), 'Job', 'copy-system-database') as any;

    // THEN
    const pod = job.spec.template.spec;
    expect(job.spec.backoffLimit).toBe(0);
    expect(pod.volumes.map((v: { name: string }) => v.name)).toEqual(['scripts', 'data']);
    expect(pod.containers[0].volumeMounts.map((v: { name: string }) => v.name)).toEqual(['scripts', 'data']);
  });

  test('renders objects that validate against the Kubernetes schemas', () => {
    // GIVEN
    const objects = render({ access: [{ namespace: '3scale', rules: [{ apiGroups: [''], resources: ['secrets'], verbs: ['get'] }] }] });

    // WHEN
    const issues = objects.flatMap((o) => validateManifest(o));

    // THEN
    expect(issues).toEqual([]);
  });
});

describe('MigrationJob scripts ConfigMap digest (what makes Argo CD run a changed Job again)', () => {
  const annotation = (objects: KubeObject[]) => find(objects, 'ConfigMap', 'copy-system-database-scripts').metadata.annotations?.['threescale-migrate.3scale.net/job-sha256'];
  const jobDigest = (objects: KubeObject[]) => (find(objects, 'Job', 'copy-system-database') as any).spec.template.spec.containers[0].env.find((e: any) => e.name === 'JOB_SHA256').value;

  test('GIVEN a Job WHEN rendered THEN its scripts ConfigMap, a non-hook object Argo CD compares, carries the Job\'s JOB_SHA256', () => {
    // WHEN
    const objects = render();

    // THEN
    expect(annotation(objects)).toMatch(/^[0-9a-f]{64}$/);
    expect(annotation(objects)).toBe(jobDigest(objects));
  });

  test('GIVEN a retry with TARGET_RESET changed WHEN rendered again THEN the ConfigMap differs (Argo CD syncs, the Job runs); an identical Job renders it identically', () => {
    // GIVEN
    const before = render({ env: [...BASE.env, { name: 'TARGET_RESET', value: 'false' }] });

    // WHEN
    const retry = render({ env: [...BASE.env, { name: 'TARGET_RESET', value: 'true' }] });
    const same = render({ env: [...BASE.env, { name: 'TARGET_RESET', value: 'false' }] });

    // THEN
    expect(annotation(retry)).not.toBe(annotation(before));
    expect(annotation(same)).toBe(annotation(before));
  });
});
