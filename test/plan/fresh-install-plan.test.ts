/**
 * Specification of the FreshInstallPlan kind (src/procedures/fresh-install/fresh-install-plan.ts): the examples load with their
 * defaults, and each failure of the ROSA field report that a plan can already show is refused in one
 * sentence naming the file and the field.
 */
import { describe, expect, it } from 'vitest';
import { freshInstallPlanWith, loadFreshInstallExample, userError } from '../support/plans.js';

const refusal = (change: (raw: any) => void): string => userError(() => freshInstallPlanWith('fresh-install-rosa', change)).message;

describe('FreshInstallPlan examples', () => {
  it('GIVEN the ROSA example WHEN loaded THEN it is a FreshInstallPlan with the defaults filled in', () => {
    // GIVEN / WHEN
    const { plan } = loadFreshInstallExample('fresh-install-rosa');

    // THEN
    expect(plan.kind).toBe('FreshInstallPlan');
    expect(plan.spec.procedure).toBe('fresh-install');
    expect(plan.spec.operator).toEqual({
      createNamespaces: true,
      channel: 'threescale-2.16',
      package: '3scale-operator',
      source: 'redhat-operators',
      sourceNamespace: 'openshift-marketplace',
      installPlanApproval: 'Manual',
    });
    expect(plan.spec.databases.system).toEqual({
      kind: 'on-cluster-postgresql',
      image: 'registry.redhat.io/rhel9/postgresql-15',
      databaseName: 'system',
      storage: { size: '10Gi', accessMode: 'ReadWriteOnce' },
    });
    expect(plan.spec.images).toEqual({ source: 'vendor', architectures: ['amd64'], components: {} });
    expect(plan.spec.threescale).toMatchObject({ systemAppReplicas: 1, systemSidekiqReplicas: 1, appLabel: '3scale-api-management' });
  });

  it('GIVEN the OpenShift example WHEN loaded THEN it has a managed System database and mirror images', () => {
    // GIVEN / WHEN
    const { plan } = loadFreshInstallExample('fresh-install-openshift');

    // THEN
    expect(plan.spec.databases.system).toEqual({ kind: 'managed', engine: 'postgresql' });
    expect(plan.spec.images.registry).toBe('mirror.example.internal:5000');
    expect(plan.spec.fileStorage).toEqual({ kind: 'pvc', storageClassName: 'ocs-storagecluster-cephfs', accessMode: 'ReadWriteMany', size: '1Gi' });
  });
});

describe('FreshInstallPlan refusals', () => {
  it('GIVEN file storage asking ReadWriteMany of gp3 WHEN loaded THEN the access mode is refused, naming what gp3 supports (the report\'s Pending system-storage)', () => {
    // GIVEN / WHEN
    const message = refusal((raw) => {
      raw.spec.fileStorage = { kind: 'pvc', storageClassName: 'gp3', accessMode: 'ReadWriteMany' };
    });

    // THEN
    expect(message).toBe(
      'fresh-install-rosa/install.yaml: spec.fileStorage.accessMode: storage class "gp3" supports only ReadWriteOnce, so a ReadWriteMany claim would stay Pending; expected one of ReadWriteOnce, or fileStorage kind "s3".',
    );
  });

  it('GIVEN the operator\'s default ReadWriteMany file storage on the RWO-only default class WHEN loaded THEN it is refused too', () => {
    // GIVEN no class and no access mode: gp3 (the default class) and ReadWriteMany (the operator's mode)
    // WHEN
    const message = refusal((raw) => {
      raw.spec.fileStorage = { kind: 'pvc' };
    });

    // THEN
    expect(message).toContain('spec.fileStorage.accessMode: storage class "gp3" supports only ReadWriteOnce');
  });

  it('GIVEN ReadWriteOnce file storage with 2 system-app replicas WHEN loaded THEN it is refused, naming S3 as the way out', () => {
    // GIVEN / WHEN
    const message = refusal((raw) => {
      raw.spec.fileStorage = { kind: 'pvc', storageClassName: 'gp3', accessMode: 'ReadWriteOnce' };
      raw.spec.threescale.systemAppReplicas = 2;
    });

    // THEN
    expect(message).toBe(
      'fresh-install-rosa/install.yaml: spec.fileStorage.accessMode: ReadWriteOnce attaches system-storage to one node, which cannot serve 2 system-app and 1 system-sidekiq replicas spread over nodes; expected fileStorage kind "s3" (class "gp3" offers no ReadWriteMany), or 1 replica of each.',
    );
  });

  it('GIVEN ReadWriteOnce file storage with one replica of each WHEN loaded THEN it is accepted', () => {
    // GIVEN / WHEN
    const { plan } = freshInstallPlanWith('fresh-install-rosa', (raw) => {
      raw.spec.fileStorage = { kind: 'pvc', accessMode: 'ReadWriteOnce' };
    });

    // THEN
    expect(plan.spec.fileStorage).toEqual({ kind: 'pvc', accessMode: 'ReadWriteOnce', size: '100Mi' });
  });

  it('GIVEN ReadWriteOncePod file storage WHEN loaded THEN it is refused: two Deployments mount it', () => {
    // GIVEN / WHEN
    const message = refusal((raw) => {
      raw.spec.fileStorage = { kind: 'pvc', storageClassName: 'gp3-csi', accessMode: 'ReadWriteOncePod' };
    });

    // THEN
    expect(message).toContain('spec.fileStorage.accessMode: ReadWriteOncePod admits one pod, but system-app and system-sidekiq both mount system-storage');
  });

  it('GIVEN a database volume on a class the plan does not list WHEN loaded THEN the class name is refused with the known ones', () => {
    // GIVEN / WHEN
    const message = refusal((raw) => {
      raw.spec.databases.system.storage.storageClassName = 'gp2';
    });

    // THEN
    expect(message).toBe('fresh-install-rosa/install.yaml: spec.databases.system.storage.storageClassName: unknown storage class "gp2"; expected one of "gp3", "gp3-csi" (spec.storageClasses).');
  });

  it('GIVEN no default class and a volume without a class WHEN loaded THEN the class is required', () => {
    // GIVEN / WHEN
    const message = refusal((raw) => {
      raw.spec.storageClasses[0].default = false;
    });

    // THEN
    expect(message).toBe('fresh-install-rosa/install.yaml: spec.databases.system.storage.storageClassName: is required because no class of spec.storageClasses is marked default (expected one of "gp3", "gp3-csi").');
  });

  it('GIVEN two default classes or a class listed twice WHEN loaded THEN each is refused', () => {
    // GIVEN / WHEN / THEN
    expect(refusal((raw) => (raw.spec.storageClasses[1].default = true))).toContain('spec.storageClasses: "gp3" and "gp3-csi" are both marked default; expected at most one default class.');
    expect(refusal((raw) => (raw.spec.storageClasses[1].name = 'gp3'))).toContain('spec.storageClasses[1].name: "gp3" is listed twice');
  });

  it('GIVEN a mirror and an image from another registry WHEN loaded THEN that image is refused (the report\'s unresolvable registry)', () => {
    // GIVEN / WHEN
    const message = refusal((raw) => {
      raw.spec.images = { source: 'mirror', registry: 'mirror.example.com:5000' };
      raw.spec.jobs = { kubectlImage: 'mirror.example.com:5000/openshift4/ose-cli:latest' };
    });

    // THEN the first image of the plan (sorted by field) still on the vendor registry
    expect(message).toBe(
      'fresh-install-rosa/install.yaml: spec.databases.backendRedis.image: "registry.redhat.io/rhel9/redis-7" is not on the mirror mirror.example.com:5000; expected every image of the plan under mirror.example.com:5000/ with source "mirror".',
    );
  });

  it('GIVEN source vendor with another registry, or mirror without one WHEN loaded THEN each is refused', () => {
    // GIVEN / WHEN / THEN
    expect(refusal((raw) => (raw.spec.images = { registry: 'quay.io' }))).toContain('spec.images.registry: "quay.io" is not the vendor registry');
    expect(refusal((raw) => (raw.spec.images = { source: 'mirror' }))).toContain('spec.images.registry: is required with source "mirror"');
  });

  it('GIVEN an unknown field or another channel WHEN loaded THEN the schema refuses it in one sentence', () => {
    // GIVEN / WHEN / THEN
    expect(refusal((raw) => (raw.spec.routes = []))).toContain('spec: unknown field "routes"');
    expect(refusal((raw) => (raw.spec.operator.channel = 'threescale-2.15'))).toBe('fresh-install-rosa/install.yaml: spec.operator.channel: expected "threescale-2.16", got "threescale-2.15".');
    expect(refusal((raw) => delete raw.spec.threescale.wildcardDomain).split('\n')).toHaveLength(1);
  });
});
