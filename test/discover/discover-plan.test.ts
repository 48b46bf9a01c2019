import { readFileSync } from 'node:fs';
import { beforeAll, describe, expect, test } from 'vitest';
import { parse, stringify } from 'yaml';
import { type DiscoveryInput, discoverPlan } from '../../src/procedures/externalize-on-cluster/discover-plan.js';
import { UserError } from '../../src/errors.js';
import type { KubeObject } from '../../src/kube/kube-object.js';
import { readExport } from '../../src/live/export-file.js';
import { fakeSecretValues, LIVE_FIXTURES, leakedSecrets, pick } from '../support/live-fixtures.js';
import { examplePath, parseMigrationPlan } from '../support/plans.js';

/** The note of a discovery that finds no Subscription of the 3scale operator. */
const NO_SUBSCRIPTION =
  'no Subscription of package 3scale-operator in namespace 3scale, so no spec.upgrade is written (the 2.16 upgrade phase cannot be enabled); if the operator is installed by OLM, read its namespace with --operator-namespace, or export the Subscription too (oc get subscription -o yaml)';

let postgresql: KubeObject[];
let mysql: KubeObject[];
/** The PostgreSQL install as it was on 2.14, with DeploymentConfigs. */
let dc: KubeObject[];
beforeAll(async () => {
  [postgresql, mysql, dc] = await Promise.all([readExport(LIVE_FIXTURES.postgresql), readExport(LIVE_FIXTURES.mysql), readExport(LIVE_FIXTURES['postgresql-dc'])]);
});

const input = (objects: readonly KubeObject[], extra: Partial<DiscoveryInput> = {}): DiscoveryInput => ({ namespace: '3scale', objects, sourceLabel: 'export.yaml', ...extra });

/** The objects with one object replaced by what `change` makes of a copy of it. */
// eslint-disable-next-line @typescript-eslint/no-invalid-void-type -- a change edits in place (void) or returns a replacement
function changed(objects: readonly KubeObject[], kind: string, name: string, change: (o: KubeObject) => KubeObject | void): KubeObject[] {
  pick(objects, kind, name);
  return objects.map((o) => {
    if (o.kind !== kind || o.metadata.name !== name) return o;
    const copy = structuredClone(o);
    return change(copy) ?? copy;
  });
}

const without = (objects: readonly KubeObject[], kind: string, name: string): KubeObject[] => objects.filter((o) => !(o.kind === kind && o.metadata.name === name));

/** The APIManager with `spec.externalComponents` set. */
const external = (objects: readonly KubeObject[], components: Record<string, Record<string, boolean>>): KubeObject[] =>
  changed(objects, 'APIManager', objects.find((o) => o.kind === 'APIManager')!.metadata.name, (o) => {
    (o.spec as Record<string, unknown>).externalComponents = components;
  });

/** The system-database Secret with another URL (in data, base64, as exported). */
const withDatabaseUrl = (objects: readonly KubeObject[], url: string): KubeObject[] =>
  changed(objects, 'Secret', 'system-database', (o) => {
    (o.data as Record<string, string>).URL = Buffer.from(url).toString('base64');
  });

/** The refusal `run` throws: a UserError of one sentence, naming the source, quoting no secret. */
function refusal(run: () => unknown): string {
  let thrown: unknown;
  try {
    run();
  } catch (e) {
    thrown = e;
  }
  expect(UserError.isUserError(thrown), `expected a UserError, got ${String(thrown)}`).toBe(true);
  const message = (thrown as UserError).message;
  expect(message).toMatch(/^export\.yaml: [^\n]+\.$/);
  expect(message).not.toMatch(/\.\s+[A-Z]/);
  expect(leakedSecrets(message)).toEqual([]);
  return message;
}

/** Every fake secret value found in the result (plan and notes). */
const leaked = (result: unknown): string[] => leakedSecrets(JSON.stringify(result));

describe('discoverPlan: the PostgreSQL install', () => {
  test('writes the namespaces, the APIManager, the strategies, the storage and the replica counts found', () => {
    // GIVEN the export of a 2.15 install with the internal PostgreSQL
    // WHEN
    const { plan } = discoverPlan(input(postgresql));

    // THEN
    expect(plan).toEqual({
      apiVersion: 'threescale-migrate.3scale.net/v1alpha1',
      kind: 'MigrationPlan',
      metadata: { name: '3scale' },
      spec: {
        procedure: 'externalize-on-cluster',
        threescale: { namespace: '3scale', apiManagerName: 'apimanager', version: '2.15.5' },
        operator: { namespace: '3scale' },
        targets: { namespace: '3scale-db', createNamespace: true },
        systemDatabase: { kind: 'postgresql', strategy: 'upgrade-on-cluster', storage: { size: '10Gi', storageClassName: 'gp3-csi' } },
        backendRedis: { strategy: 'upgrade-on-cluster', storage: { size: '1Gi', storageClassName: 'gp3-csi' } },
        systemRedis: { strategy: 'upgrade-on-cluster', storage: { size: '1Gi', storageClassName: 'gp3-csi' } },
        replicas: {
          'system-memcache': 1,
          'zync-database': 1,
          'apicast-production': 3,
          'apicast-staging': 1,
          'backend-cron': 1,
          'backend-listener': 2,
          'backend-worker': 2,
          'system-app': 2,
          'system-sidekiq': 1,
          'system-searchd': 1,
          zync: 1,
          'zync-que': 1,
        },
      },
    });
  });

  test('GIVEN hpa: true on APIcast production and the backend worker (and a non-boolean hpa on the listener) WHEN discovered THEN spec.autoscaled lists exactly those two, in a note too; without the flags there is no spec.autoscaled', () => {
    const apiManager = postgresql.find((o) => o.kind === 'APIManager')!.metadata.name;
    const withHpa = changed(postgresql, 'APIManager', apiManager, (o) => {
      const spec = o.spec as Record<string, Record<string, Record<string, unknown>>>;
      spec.apicast = { ...spec.apicast, productionSpec: { ...spec.apicast?.productionSpec, hpa: true } };
      spec.backend = { ...spec.backend, workerSpec: { hpa: true }, listenerSpec: { hpa: 'true' } };
    });
    const { plan, notes } = discoverPlan(input(withHpa));
    expect(plan.spec.autoscaled).toEqual(['apicast-production', 'backend-worker']);
    expect(notes).toContain('left to their HorizontalPodAutoscaler after scale-up (APIManager hpa: true): apicast-production, backend-worker');
    expect(parseMigrationPlan(stringify(plan), 'migration.yaml').plan.spec.autoscaled).toEqual(['apicast-production', 'backend-worker']);
    expect(discoverPlan(input(postgresql)).plan.spec).not.toHaveProperty('autoscaled');
  });

  test('notes the versions, images and volume sizes as facts the plan has no field for', () => {
    // GIVEN / WHEN
    const { notes } = discoverPlan(input(postgresql));

    // THEN
    const image = (name: string) => ((pick(postgresql, 'Deployment', name).spec as any).template.spec.containers[0].image as string);
    expect(notes).toEqual([
      '3scale 2.15.5, operator 0.12.5',
      `System database: internal PostgreSQL, image ${image('system-postgresql')}, PVC postgresql-data 10Gi`,
      `backend Redis: internal, image ${image('backend-redis')}, PVC backend-redis-storage 1Gi`,
      `system Redis: internal, image ${image('system-redis')}, PVC system-redis-storage 1Gi`,
      // the fixture holds no Subscription: said, not silently skipped
      NO_SUBSCRIPTION,
    ]);
  });

  test('the replica count is the Deployment’s spec.replicas (1 when unset), not the APIManager’s', () => {
    // GIVEN system-app scaled to 4 by hand, and zync without spec.replicas
    const objects = changed(
      changed(postgresql, 'Deployment', 'system-app', (o) => {
        (o.spec as { replicas: number }).replicas = 4;
      }),
      'Deployment',
      'zync',
      (o) => {
        delete (o.spec as { replicas?: number }).replicas;
      },
    );

    // WHEN
    const { plan } = discoverPlan(input(objects));

    // THEN
    expect(plan.spec.replicas).toMatchObject({ 'system-app': 4, zync: 1, 'apicast-production': 3 });
  });

  test('the new volume is at least the old one’s capacity; its request when it has no status; no storage when there is no PVC', () => {
    // GIVEN the PostgreSQL volume bound at 12Gi for a 10Gi request, the backend Redis one not bound yet, no system Redis PVC
    let objects = changed(postgresql, 'PersistentVolumeClaim', 'postgresql-data', (o) => {
      (o.status as { capacity: { storage: string } }).capacity.storage = '12Gi';
    });
    objects = changed(objects, 'PersistentVolumeClaim', 'backend-redis-storage', (o) => {
      delete o.status;
      delete (o.spec as { storageClassName?: string }).storageClassName;
    });
    objects = without(objects, 'PersistentVolumeClaim', 'system-redis-storage');

    // WHEN
    const { plan, notes } = discoverPlan(input(objects));

    // THEN
    expect(plan.spec.systemDatabase).toMatchObject({ storage: { size: '12Gi', storageClassName: 'gp3-csi' } });
    expect(plan.spec.backendRedis).toEqual({ strategy: 'upgrade-on-cluster', storage: { size: '1Gi' } });
    expect(plan.spec.systemRedis).toEqual({ strategy: 'upgrade-on-cluster', storage: {} });
    expect(notes.find((n) => n.startsWith('system Redis'))).toMatch(/^system Redis: internal, image \S+, PVC system-redis-storage unknown size$/);
  });

  test('the options: name, target namespace (the 3scale one: no Namespace object), operator namespace', () => {
    // GIVEN the operator moved to its own namespace
    const objects = postgresql.map((o) => (o.metadata.name === 'threescale-operator-controller-manager-v2' ? { ...o, metadata: { ...o.metadata, namespace: 'threescale-operator' } } : o));

    // WHEN
    const { plan } = discoverPlan(input(objects, { name: 'prod-3scale', targetNamespace: '3scale', operatorNamespace: 'threescale-operator' }));

    // THEN
    expect(plan.metadata).toEqual({ name: 'prod-3scale' });
    expect(plan.spec.targets).toEqual({ namespace: '3scale', createNamespace: false });
    expect(plan.spec.operator).toEqual({ namespace: 'threescale-operator' });
  });

  test('a non-default appLabel is recorded; objects of other namespaces are ignored', () => {
    // GIVEN a custom appLabel, and a second install in another namespace
    const other = postgresql.map((o) => ({ ...o, metadata: { ...o.metadata, namespace: 'other' } }));
    const objects = [
      ...changed(postgresql, 'APIManager', 'apimanager', (o) => {
        (o.spec as { appLabel: string }).appLabel = 'apim-prod';
      }),
      ...other,
    ];

    // WHEN
    const { plan } = discoverPlan(input(objects));

    // THEN
    expect(plan.spec.threescale).toEqual({ namespace: '3scale', apiManagerName: 'apimanager', appLabel: 'apim-prod', version: '2.15.5' });
  });

  test('an APIManager without version annotations: no version, no version note', () => {
    const objects = changed(postgresql, 'APIManager', 'apimanager', (o) => {
      o.metadata.annotations = {};
    });
    const { plan, notes } = discoverPlan(input(objects));
    expect(plan.spec.threescale).not.toHaveProperty('version');
    expect(notes[0]).toMatch(/^System database: /);
  });
});

describe('discoverPlan: the MySQL install', () => {
  /** The labels of `o` among `keys`, as the detach list records them. */
  const labelsOf = (labels: Record<string, string> | undefined, keys: readonly string[]) => Object.fromEntries(Object.entries(labels ?? {}).filter(([k]) => keys.includes(k)));
  const METADATA = ['app', 'threescale_component', 'threescale_component_element'];

  test('keeps MySQL in place and records the labels and the APIManager ownerReference really found', () => {
    // GIVEN / WHEN
    const { plan, notes } = discoverPlan(input(mysql));

    // THEN
    const db = plan.spec.systemDatabase as { kind: string; strategy: string; detach: { kind: string; name: string; labels?: object; podTemplateLabels?: Record<string, string>; apiManagerOwnerIndex?: number }[] };
    expect(db.kind).toBe('mysql');
    expect(db.strategy).toBe('keep-in-place');
    expect(db.detach.map((d) => `${d.kind} ${d.name}`)).toEqual(['Deployment system-mysql', 'PersistentVolumeClaim mysql-storage', 'ConfigMap mysql-extra-conf', 'ConfigMap mysql-main-conf', 'Service system-mysql', 'ServiceAccount amp']);
    for (const d of db.detach) {
      const live = pick(mysql, d.kind, d.name);
      // ServiceAccount amp, which system-mysql runs as, carries the ownerReference and no 3scale label
      expect(d.labels ?? {}, d.name).toEqual(labelsOf(live.metadata.labels, METADATA));
      expect(d.apiManagerOwnerIndex, d.name).toBe(0);
    }
    // AND the pod template labels are the live ones except the selector label; rht.subcomp_t is absent live, so absent here
    const mysqlDeployment = pick(mysql, 'Deployment', 'system-mysql');
    const podLabels = (mysqlDeployment.spec as any).template.metadata.labels as Record<string, string>;
    expect(podLabels).not.toHaveProperty('rht.subcomp_t');
    const { deployment: _selector, ...expected } = podLabels;
    expect(db.detach[0]!.podTemplateLabels).toEqual(expected);
    expect(db.detach[0]!.podTemplateLabels).not.toHaveProperty('rht.subcomp_t');
    expect(db.detach.slice(1).every((d) => d.podTemplateLabels === undefined)).toBe(true);
    expect(notes[1]).toMatch(/^System database: internal MySQL, image registry\.redhat\.io\/rhel8\/mysql-80@sha256:[0-9a-f]+, kept in place and detached from the operator$/);
  });

  test('is the detach list of examples/mysql-in-place-and-redis', () => {
    // GIVEN the bundled MySQL example, written from this install
    const example = parse(readFileSync(examplePath('mysql-in-place-and-redis'), 'utf8'));

    // WHEN
    const { plan } = discoverPlan(input(mysql));

    // THEN
    expect((plan.spec.systemDatabase as { detach: unknown }).detach).toEqual(example.spec.systemDatabase.detach);
  });

  test('records only what is there: a missing label, a missing object, an ownerReference at another index or none', () => {
    // GIVEN mysql-main-conf without its element label, no mysql-extra-conf, the PVC owned by something else first, the Service by nobody
    let objects = changed(mysql, 'ConfigMap', 'mysql-main-conf', (o) => {
      delete o.metadata.labels!.threescale_component_element;
    });
    objects = without(objects, 'ConfigMap', 'mysql-extra-conf');
    objects = changed(objects, 'PersistentVolumeClaim', 'mysql-storage', (o) => {
      o.metadata.ownerReferences = [{ apiVersion: 'v1', kind: 'ConfigMap', name: 'backup-policy', uid: 'x' }, ...(o.metadata.ownerReferences as object[])];
    });
    objects = changed(objects, 'Service', 'system-mysql', (o) => {
      delete o.metadata.ownerReferences;
      o.metadata.labels = {};
    });

    // WHEN
    const { plan } = discoverPlan(input(objects));

    // THEN
    const detach = (plan.spec.systemDatabase as { detach: { name: string; kind: string }[] }).detach;
    expect(detach.map((d) => d.name)).toEqual(['system-mysql', 'mysql-storage', 'mysql-main-conf', 'system-mysql', 'amp']);
    expect(detach[1]).toMatchObject({ kind: 'PersistentVolumeClaim', apiManagerOwnerIndex: 1 });
    expect(detach[2]).toEqual({ kind: 'ConfigMap', name: 'mysql-main-conf', apiManagerOwnerIndex: 0, labels: { app: '3scale-api-management', threescale_component: 'system' } });
    expect(detach[3]).toEqual({ kind: 'Service', name: 'system-mysql' });
  });

  test('the operator-owned MySQL missing is refused', () => {
    const message = refusal(() => discoverPlan(input(without(mysql, 'Deployment', 'system-mysql'))));
    expect(message).toBe('export.yaml: Deployment 3scale/system-mysql is missing and the System database is not external; expected the internal MySQL of a 2.15 install.');
  });
});

describe('discoverPlan: an install before 2.15 (DeploymentConfigs)', () => {
  /** A Deployment of the 2.15 export as the pre-2.15 operator had it: a DeploymentConfig selecting `deploymentConfig=<name>`. */
  const asDeploymentConfig = (o: KubeObject): KubeObject => {
    const spec = structuredClone(o.spec) as { selector?: unknown; template: { metadata: { labels: Record<string, string> } } };
    const { deployment: _selector, ...labels } = spec.template.metadata.labels;
    spec.template.metadata.labels = { ...labels, deploymentConfig: o.metadata.name };
    return { ...o, apiVersion: 'apps.openshift.io/v1', kind: 'DeploymentConfig', spec: { ...spec, selector: { deploymentConfig: o.metadata.name } } };
  };
  const toDeploymentConfigs = (objects: readonly KubeObject[]) =>
    objects.map((o) => (o.kind === 'Deployment' && o.metadata.name !== 'threescale-operator-controller-manager-v2' ? asDeploymentConfig(o) : o));

  test('records workloadKind DeploymentConfig and the replica counts of the DeploymentConfigs', () => {
    // GIVEN the 2.14 PostgreSQL export (DeploymentConfigs, the operator an OLM Deployment), with a 3scale-operator Subscription
    const subscription = {
      apiVersion: 'operators.coreos.com/v1alpha1',
      kind: 'Subscription',
      metadata: { name: '3scale-operator', namespace: '3scale' },
      spec: { name: '3scale-operator', channel: 'threescale-2.14', source: 'redhat-operators', sourceNamespace: 'openshift-marketplace', installPlanApproval: 'Manual' },
    };

    // WHEN
    const { plan, notes } = discoverPlan(input([...dc, subscription]));

    // THEN the plan says what the components run as, and the counts are the DCs' spec.replicas
    expect(plan.spec.threescale).toEqual({ namespace: '3scale', apiManagerName: 'apimanager', version: '2.14.3', workloadKind: 'DeploymentConfig' });
    for (const [name, count] of Object.entries(plan.spec.replicas)) expect({ name, count }).toEqual({ name, count: (pick(dc, 'DeploymentConfig', name).spec as { replicas: number }).replicas });
    expect(plan.spec.replicas).toMatchObject({ 'apicast-production': 3, 'backend-listener': 2, 'backend-worker': 2, 'system-app': 2, zync: 1 });
    // AND the databases were found as DeploymentConfigs
    expect(plan.spec.systemDatabase).toEqual({ kind: 'postgresql', strategy: 'upgrade-on-cluster', storage: { size: '10Gi', storageClassName: 'gp3-csi' } });
    expect(plan.spec.backendRedis).toMatchObject({ strategy: 'upgrade-on-cluster' });
    expect(plan.spec.systemRedis).toMatchObject({ strategy: 'upgrade-on-cluster' });
    // AND no upgrade section: 2.16 can only follow 2.15
    expect(plan.spec.upgrade).toBeUndefined();
    expect(notes).toContain('3scale runs as DeploymentConfigs (a release before 2.15): the upgrade to 2.16 needs the upgrade to 2.15 first, so no spec.upgrade is written');
    // AND the plan loads, with the same replica counts as the bundled pre-2.15 example
    const { plan: loaded } = parseMigrationPlan(stringify(plan), 'discovered.yaml');
    expect(loaded.spec.threescale.workloadKind).toBe('DeploymentConfig');
    expect(loaded.spec.replicas).toEqual(parse(readFileSync(examplePath('pre-2.15-deploymentconfigs'), 'utf8')).spec.replicas);
  });

  test('a 2.15 install gets no workloadKind in its plan (the default, Deployment)', () => {
    expect(discoverPlan(input(postgresql)).plan.spec.threescale).not.toHaveProperty('workloadKind');
  });

  test('MySQL kept in place: the DeploymentConfig system-mysql is detached, its deploymentConfig selector label kept', () => {
    // GIVEN the MySQL install with its workloads as DeploymentConfigs
    const objects = toDeploymentConfigs(mysql);

    // WHEN
    const { plan } = discoverPlan(input(objects));

    // THEN the detach list names the DeploymentConfig, with every pod label found but the selector
    const detach = (plan.spec.systemDatabase as { detach: { kind: string; name: string; podTemplateLabels?: Record<string, string> }[] }).detach;
    expect(detach.map((d) => `${d.kind} ${d.name}`)).toEqual(['DeploymentConfig system-mysql', 'PersistentVolumeClaim mysql-storage', 'ConfigMap mysql-extra-conf', 'ConfigMap mysql-main-conf', 'Service system-mysql', 'ServiceAccount amp']);
    const live = (pick(objects, 'DeploymentConfig', 'system-mysql').spec as any).template.metadata.labels as Record<string, string>;
    const { deploymentConfig: _selector, ...expected } = live;
    expect(detach[0]!.podTemplateLabels).toEqual(expected);
    expect(parseMigrationPlan(stringify(plan), 'discovered.yaml').plan.spec.systemDatabase).toMatchObject({ kind: 'mysql', detach: [{ kind: 'DeploymentConfig', name: 'system-mysql' }, {}, {}, {}, {}, { kind: 'ServiceAccount', name: 'amp' }] });
  });

  test('a missing internal Redis DeploymentConfig is refused naming the kind', () => {
    expect(refusal(() => discoverPlan(input(without(dc, 'DeploymentConfig', 'backend-redis'))))).toBe(
      'export.yaml: DeploymentConfig 3scale/backend-redis is missing and backend Redis is not external; expected the internal Redis of an install before 2.15.',
    );
  });

  test('the new database Deployments of a started migration do not count as a mixed namespace', () => {
    // GIVEN prepare created the new servers in the 3scale namespace itself, as Deployments
    const created = ['system-postgresql-external', 'backend-redis-external', 'system-redis-external'].map((name) => ({
      apiVersion: 'apps/v1',
      kind: 'Deployment',
      metadata: { name, namespace: '3scale' },
      spec: { replicas: 1 },
    }));

    // WHEN / THEN
    expect(discoverPlan(input([...dc, ...created])).plan.spec.threescale.workloadKind).toBe('DeploymentConfig');
  });
});

describe('discoverPlan: components already external', () => {
  test('an external System database and both Redis become already-external, with the kind from the URL scheme', () => {
    // GIVEN both installs with every component declared external
    const all = { system: { database: true, redis: true }, backend: { redis: true } };

    // WHEN
    const pg = discoverPlan(input(external(postgresql, all)));
    const my = discoverPlan(input(external(mysql, all)));

    // THEN
    expect(pg.plan.spec.systemDatabase).toEqual({ kind: 'postgresql', strategy: 'already-external' });
    expect(my.plan.spec.systemDatabase).toEqual({ kind: 'mysql', strategy: 'already-external' });
    for (const { plan } of [pg, my]) {
      expect(plan.spec.backendRedis).toEqual({ strategy: 'already-external' });
      expect(plan.spec.systemRedis).toEqual({ strategy: 'already-external' });
    }
    expect(pg.notes).toEqual(['3scale 2.15.5, operator 0.12.5', 'System database: already external (postgresql)', 'backend Redis: already external', 'system Redis: already external', NO_SUBSCRIPTION]);
  });

  test('one Redis external, the other internal', () => {
    const { plan } = discoverPlan(input(external(postgresql, { backend: { redis: true } })));
    expect(plan.spec.backendRedis).toEqual({ strategy: 'already-external' });
    expect(plan.spec.systemRedis).toMatchObject({ strategy: 'upgrade-on-cluster' });
    expect(plan.spec.systemDatabase).toMatchObject({ kind: 'postgresql', strategy: 'upgrade-on-cluster' });
  });

  test('GIVEN an external backend Redis whose connection Secret names sentinels WHEN discovered THEN its note says it is behind Redis Sentinel, and the system Redis without them does not', () => {
    // GIVEN
    const all = { system: { database: true, redis: true }, backend: { redis: true } };
    const objects = [
      ...external(postgresql, all).filter((o) => !(o.kind === 'Secret' && ['backend-redis', 'system-redis'].includes(o.metadata.name))),
      { apiVersion: 'v1', kind: 'Secret', metadata: { name: 'backend-redis', namespace: '3scale' }, data: { REDIS_STORAGE_SENTINEL_HOSTS: Buffer.from('redis://s0:26379').toString('base64'), REDIS_QUEUES_SENTINEL_HOSTS: '' } },
      { apiVersion: 'v1', kind: 'Secret', metadata: { name: 'system-redis', namespace: '3scale' }, data: { SENTINEL_HOSTS: '' } },
    ];

    // WHEN
    const { plan, notes } = discoverPlan(input(objects));

    // THEN
    expect(plan.spec.backendRedis).toEqual({ strategy: 'already-external' });
    expect(notes).toContain('backend Redis: already external (behind Redis Sentinel: the sentinel hosts of its connection Secret are set)');
    expect(notes).toContain('system Redis: already external');
  });

  test('an external System database whose URL cannot be read is refused', () => {
    // GIVEN the system-database Secret was not exported
    const objects = without(external(postgresql, { system: { database: true } }), 'Secret', 'system-database');

    // WHEN / THEN
    expect(refusal(() => discoverPlan(input(objects)))).toBe('export.yaml: Secret 3scale/system-database has no readable URL scheme; expected postgresql:// or mysql2:// for an external System database.');
  });

  test('an internal Redis whose Deployment is missing is refused', () => {
    expect(refusal(() => discoverPlan(input(without(postgresql, 'Deployment', 'system-redis'))))).toBe(
      'export.yaml: Deployment 3scale/system-redis is missing and system Redis is not external; expected the internal Redis of a 2.15 install.',
    );
  });

  test('an APIManager asking for the internal PostgreSQL without its Deployment is refused', () => {
    expect(refusal(() => discoverPlan(input(without(postgresql, 'Deployment', 'system-postgresql'))))).toBe(
      'export.yaml: the APIManager asks for an internal PostgreSQL but Deployment 3scale/system-postgresql is missing; expected it running.',
    );
  });
});

describe('discoverPlan: refusals, one sentence each', () => {
  test('no APIManager in the namespace (even if another namespace has one)', () => {
    // GIVEN
    const elsewhere = postgresql.map((o) => (o.kind === 'APIManager' ? { ...o, metadata: { ...o.metadata, namespace: 'other' } } : o));

    // WHEN / THEN
    const expected = 'export.yaml: no APIManager in namespace 3scale; expected the 3scale 2.15 install there (is -n/--namespace right?).';
    expect(refusal(() => discoverPlan(input(without(postgresql, 'APIManager', 'apimanager'))))).toBe(expected);
    expect(refusal(() => discoverPlan(input(elsewhere)))).toBe(expected);
  });

  test('two APIManagers', () => {
    const second = { ...pick(postgresql, 'APIManager', 'apimanager'), metadata: { ...pick(postgresql, 'APIManager', 'apimanager').metadata, name: 'apimanager-2' } };
    expect(refusal(() => discoverPlan(input([...postgresql, second])))).toBe('export.yaml: namespace 3scale holds 2 APIManagers (apimanager, apimanager-2); expected exactly one.');
  });

  test('Oracle: the system-database URL scheme, never the rest of the URL', () => {
    // GIVEN an Oracle URL with a password from FAKE-SECRETS.md, in data (base64) and in stringData
    const url = 'oracle-enhanced://system:FakeMasterPw-Qe7Yh3@oracle.example.com:1521/threescale';
    const inData = withDatabaseUrl(postgresql, url);
    const inStringData = changed(postgresql, 'Secret', 'system-database', (o) => {
      delete o.data;
      o.stringData = { URL: url };
    });

    // WHEN / THEN
    const expected =
      'export.yaml: Secret 3scale/system-database points at Oracle (oracle-enhanced://); 3scale 2.16 is not compatible with Oracle Database and the vendor says to stay on 2.15.';
    expect(refusal(() => discoverPlan(input(inData)))).toBe(expected);
    expect(refusal(() => discoverPlan(input(inStringData)))).toBe(expected);
    expect(refusal(() => discoverPlan(input(external(inData, { system: { database: true } }))))).toBe(expected);
  });

  test('a namespace that runs 3scale both as DeploymentConfigs and as Deployments, naming both', () => {
    // GIVEN an install half-way through the 2.15 upgrade: five components are still DeploymentConfigs
    const names = ['apicast-production', 'apicast-staging', 'backend-cron', 'backend-listener', 'system-app'];
    const objects = [
      ...postgresql.filter((o) => !(o.kind === 'Deployment' && names.includes(o.metadata.name))),
      ...names.map((name) => ({ apiVersion: 'apps.openshift.io/v1', kind: 'DeploymentConfig', metadata: { name, namespace: '3scale' }, spec: { replicas: 1 } })),
    ];

    // WHEN / THEN
    expect(refusal(() => discoverPlan(input(objects)))).toBe(
      'export.yaml: namespace 3scale runs 3scale both as DeploymentConfigs apicast-production, apicast-staging, backend-cron, backend-listener, … (5) and as Deployments backend-redis, backend-worker, system-memcache, system-postgresql, … (10); expected one kind (DeploymentConfigs before 2.15, Deployments from 2.15): finish or undo the upgrade to 2.15 first.',
    );
  });

  test('a missing 3scale DeploymentConfig of an install before 2.15', () => {
    expect(refusal(() => discoverPlan(input(without(dc, 'DeploymentConfig', 'zync-que'))))).toBe(
      'export.yaml: DeploymentConfig 3scale/zync-que is missing; expected all 12 3scale DeploymentConfigs of an install before 2.15.',
    );
  });

  test('a missing 3scale Deployment', () => {
    expect(refusal(() => discoverPlan(input(without(postgresql, 'Deployment', 'zync-que'))))).toBe(
      'export.yaml: Deployment 3scale/zync-que is missing; expected all 12 3scale Deployments of a 2.15 install.',
    );
  });

  test('the operator missing, with the --operator-namespace hint', () => {
    // GIVEN the operator runs elsewhere and was not exported, or was looked for in the wrong namespace
    const noOperator = without(postgresql, 'Deployment', 'threescale-operator-controller-manager-v2');

    // WHEN / THEN
    expect(refusal(() => discoverPlan(input(noOperator)))).toBe(
      'export.yaml: Deployment 3scale/threescale-operator-controller-manager-v2 is missing; expected the 3scale operator there (pass --operator-namespace when it runs in another namespace).',
    );
    expect(refusal(() => discoverPlan(input(postgresql, { operatorNamespace: 'openshift-operators' })))).toBe(
      'export.yaml: Deployment openshift-operators/threescale-operator-controller-manager-v2 is missing; expected the 3scale operator there (pass --operator-namespace when it runs in another namespace).',
    );
  });
});

/** An OLM Subscription as `oc get subscription -o yaml` shows it (trimmed). */
function subscription(name: string, pkg: string, extra: { namespace?: string; approval?: string; channel?: string; csv?: string; source?: string } = {}): KubeObject {
  return {
    apiVersion: 'operators.coreos.com/v1alpha1',
    kind: 'Subscription',
    metadata: { name, namespace: extra.namespace ?? '3scale', uid: `uid-${name}`, resourceVersion: '4242' },
    spec: {
      channel: extra.channel ?? 'threescale-2.15',
      name: pkg,
      source: extra.source ?? 'redhat-operators',
      sourceNamespace: 'openshift-marketplace',
      ...(extra.approval ? { installPlanApproval: extra.approval } : {}),
    },
    status: { currentCSV: extra.csv ?? `${pkg}.v0.12.5`, installedCSV: extra.csv ?? `${pkg}.v0.12.5`, state: 'AtLatestKnown' },
  };
}

describe('discoverPlan: the operator Subscriptions (spec.upgrade)', () => {
  test('GIVEN the 3scale operator Subscription WHEN discovered THEN spec.upgrade holds its name, catalog and approval mode, disabled', () => {
    // GIVEN a Subscription with Manual approval, named differently from its package
    const objects = [...postgresql, subscription('threescale', '3scale-operator', { approval: 'Manual', source: 'cs-3scale' })];

    // WHEN
    const { plan, notes } = discoverPlan(input(objects));

    // THEN
    expect(plan.spec.upgrade).toEqual({
      enabled: false,
      subscription: { name: 'threescale', source: 'cs-3scale', sourceNamespace: 'openshift-marketplace', installPlanApproval: 'Manual' },
    });
    // AND the channel and the current CSV are written as a note
    expect(notes.at(-1)).toBe('Subscription 3scale/threescale: channel threescale-2.15, current CSV 3scale-operator.v0.12.5 (AtLatestKnown), installPlanApproval Manual');
  });

  test('GIVEN the APIcast operator Subscription beside it WHEN discovered THEN spec.upgrade.apicast is written too', () => {
    // GIVEN
    const objects = [...postgresql, subscription('3scale-operator', '3scale-operator', { approval: 'Automatic' }), subscription('apicast-operator', 'apicast-operator', { approval: 'Manual' })];

    // WHEN
    const { plan, notes } = discoverPlan(input(objects));

    // THEN
    expect(plan.spec.upgrade?.apicast).toEqual({ name: 'apicast-operator', source: 'redhat-operators', sourceNamespace: 'openshift-marketplace', installPlanApproval: 'Manual' });
    expect(notes.filter((n) => n.startsWith('Subscription '))).toHaveLength(2);
  });

  test('GIVEN a Subscription without installPlanApproval WHEN discovered THEN Automatic, as OLM treats it, said in the note', () => {
    // GIVEN
    const objects = [...postgresql, subscription('3scale-operator', '3scale-operator')];

    // WHEN
    const { plan, notes } = discoverPlan(input(objects));

    // THEN
    expect(plan.spec.upgrade?.subscription?.installPlanApproval).toBe('Automatic');
    expect(notes.at(-1)).toContain('installPlanApproval Automatic (unset live, which OLM treats as Automatic)');
  });

  test('GIVEN the operator in its own namespace WHEN discovered THEN only the Subscriptions of that namespace count', () => {
    // GIVEN the operator Deployment moved to namespace operators, one Subscription there and one in 3scale
    const operator = pick(postgresql, 'Deployment', 'threescale-operator-controller-manager-v2');
    const objects = [
      ...without(postgresql, 'Deployment', 'threescale-operator-controller-manager-v2'),
      { ...operator, metadata: { ...operator.metadata, namespace: 'operators' } },
      subscription('3scale-operator', '3scale-operator', { namespace: 'operators', approval: 'Manual' }),
      subscription('stray', '3scale-operator', { approval: 'Automatic' }),
    ];

    // WHEN
    const { plan } = discoverPlan(input(objects, { operatorNamespace: 'operators' }));

    // THEN
    expect(plan.spec.upgrade?.subscription).toMatchObject({ name: '3scale-operator', installPlanApproval: 'Manual' });
  });

  test('GIVEN no Subscription of the 3scale operator (OLM missing, or only another package) WHEN discovered THEN no spec.upgrade, and a note says so and how to find it', () => {
    // GIVEN
    const objects = [...postgresql, subscription('apicast-operator', 'apicast-operator', { approval: 'Manual' })];

    // WHEN
    const withOther = discoverPlan(input(objects));
    const without = discoverPlan(input(postgresql));

    // THEN
    expect(withOther.plan.spec.upgrade).toBeUndefined();
    expect(without.plan.spec.upgrade).toBeUndefined();
    expect(withOther.notes.some((n) => n.startsWith('Subscription'))).toBe(false);
    for (const { notes } of [withOther, without]) {
      expect(notes).toContain(NO_SUBSCRIPTION);
    }
  });

  test('GIVEN a discovered Subscription WHEN the plan is loaded THEN it validates, and the upgrade is off until the user turns it on', () => {
    // GIVEN
    const { plan } = discoverPlan(input([...postgresql, subscription('3scale-operator', '3scale-operator', { approval: 'Manual' })]));

    // WHEN
    const loaded = parseMigrationPlan(stringify(plan), 'discovered.yaml').plan;
    const enabled = parseMigrationPlan(stringify({ ...plan, spec: { ...plan.spec, upgrade: { ...plan.spec.upgrade, enabled: true } } }), 'discovered.yaml').plan;

    // THEN
    expect(loaded.spec.upgrade).toMatchObject({ enabled: false, channel: 'threescale-2.16' });
    expect(enabled.spec.upgrade?.enabled).toBe(true);
  });
});

describe('discoverPlan: the result', () => {
  test('validates with the plan loader after YAML stringify, for every kind of install', () => {
    // GIVEN the plans discovered from the PostgreSQL, MySQL and all-external installs
    const all = { system: { database: true, redis: true }, backend: { redis: true } };
    const plans = [discoverPlan(input(postgresql)), discoverPlan(input(mysql)), discoverPlan(input(external(mysql, all)))].map((r) => r.plan);

    // WHEN / THEN
    for (const plan of plans) {
      const loaded = parseMigrationPlan(stringify(plan), 'discovered.yaml');
      expect(loaded.plan.spec.threescale.namespace).toBe('3scale');
      expect(loaded.plan.spec.replicas).toEqual(plan.spec.replicas);
    }
  });

  test('holds no secret value of the install, in the plan or in its notes', () => {
    // GIVEN the fake secrets are in the exports
    const values = fakeSecretValues();
    expect(leakedSecrets(JSON.stringify([postgresql, mysql])).length).toBeGreaterThan(0);

    // WHEN
    const results = [discoverPlan(input(postgresql)), discoverPlan(input(mysql)), discoverPlan(input(external(postgresql, { system: { database: true } })))];

    // THEN
    expect(values.length).toBeGreaterThan(0);
    for (const r of results) expect(leaked(r)).toEqual([]);
  });
});

describe('discoverPlan after the migration started', () => {
  test('GIVEN the state ConfigMap preflight recorded and a scaled-down install WHEN discovered THEN the recorded counts win over the live zeros', () => {
    // GIVEN every 3scale Deployment and the operator at 0, and the counts recorded before
    const scaledDown = postgresql.map((o) => (o.kind === 'Deployment' && o.metadata.name !== 'system-postgresql' ? { ...o, spec: { ...(o.spec as object), replicas: 0 } } : o));
    const recorded: KubeObject = {
      apiVersion: 'v1',
      kind: 'ConfigMap',
      metadata: { name: 'threescale-migrate-state', namespace: '3scale' },
      data: Object.fromEntries(['system-memcache', 'zync-database', 'apicast-production', 'apicast-staging', 'backend-cron', 'backend-listener', 'backend-worker', 'system-app', 'system-sidekiq', 'system-searchd', 'zync', 'zync-que'].map((d) => [`replicas.${d}`, d === 'apicast-production' ? '3' : '1'])),
    };

    // WHEN
    const { plan, notes } = discoverPlan(input([...scaledDown, recorded]));

    // THEN
    expect(plan.spec.replicas['apicast-production']).toBe(3);
    expect(plan.spec.replicas['system-app']).toBe(1);
    expect(notes).toContain('replica counts from ConfigMap threescale-migrate-state (recorded before the scale-down)');
  });

  test('GIVEN the operator at 0 and no recorded counts WHEN discovered THEN it refuses rather than capture zeros', () => {
    // GIVEN
    const objects = changed(postgresql, 'Deployment', 'threescale-operator-controller-manager-v2', (o) => ({ ...o, spec: { ...(o.spec as object), replicas: 0 } }));

    // WHEN
    const message = refusal(() => discoverPlan(input(objects)));

    // THEN
    expect(message).toBe(
      'export.yaml: Deployment 3scale/threescale-operator-controller-manager-v2 is at 0 replicas, so 3scale looks scaled down and its replica counts would be captured as they are now; expected a running install (scale the operator and 3scale back up first).',
    );
  });
});
