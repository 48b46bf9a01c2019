import { Testing } from 'cdk8s';
import * as kplus from 'cdk8s-plus-28';
import { describe, expect, test } from 'vitest';
import { validateManifest, validateManifests } from '../../src/validate/validate-manifest.js';

function deployment(overrides: { spec?: Record<string, unknown> } = {}): Record<string, unknown> {
  return {
    apiVersion: 'apps/v1',
    kind: 'Deployment',
    metadata: { name: 'apicast-production', namespace: '3scale', labels: { app: '3scale-api-management' } },
    spec: {
      replicas: 2,
      selector: { matchLabels: { deployment: 'apicast-production' } },
      template: {
        metadata: { labels: { deployment: 'apicast-production', 'app.kubernetes.io/name': 'apicast' } },
        spec: {
          containers: [
            {
              name: 'apicast-production',
              image: 'registry.redhat.io/3scale-amp2/apicast-gateway-rhel8:3scale2.15',
              ports: [{ name: 'proxy', containerPort: 8080, protocol: 'TCP' }],
              resources: { limits: { cpu: '1', memory: '128Mi' }, requests: { cpu: '500m', memory: 64 * 1024 * 1024 } },
            },
          ],
        },
      },
      ...overrides.spec,
    },
  };
}

function apiManager(spec: Record<string, unknown>): Record<string, unknown> {
  return { apiVersion: 'apps.3scale.net/v1alpha1', kind: 'APIManager', metadata: { name: '3scale', namespace: '3scale' }, spec };
}

function subscription(spec: Record<string, unknown>): Record<string, unknown> {
  return {
    apiVersion: 'operators.coreos.com/v1alpha1',
    kind: 'Subscription',
    metadata: { name: '3scale-operator', namespace: '3scale' },
    spec: {
      name: '3scale-operator',
      source: 'redhat-operators',
      sourceNamespace: 'openshift-marketplace',
      channel: 'threescale-2.16',
      installPlanApproval: 'Manual',
      ...spec,
    },
  };
}

function argoApplication(spec: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    apiVersion: 'argoproj.io/v1alpha1',
    kind: 'Application',
    metadata: { name: '3scale-phase-1', namespace: 'openshift-gitops' },
    spec: {
      project: 'default',
      destination: { server: 'https://kubernetes.default.svc', namespace: '3scale' },
      source: { repoURL: 'https://git.example.com/platform/3scale.git', path: 'dist/phase-1', targetRevision: 'main' },
      syncPolicy: { automated: { prune: false, selfHeal: false } },
      ...spec,
    },
  };
}

function fluxKustomization(spec: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    apiVersion: 'kustomize.toolkit.fluxcd.io/v1',
    kind: 'Kustomization',
    metadata: { name: '3scale-phase-1', namespace: 'flux-system' },
    spec: {
      interval: '10m',
      path: './dist/phase-1',
      prune: false,
      sourceRef: { kind: 'GitRepository', name: 'platform' },
      targetNamespace: '3scale',
      ...spec,
    },
  };
}

describe('validateManifest: Kubernetes built-in kinds', () => {
  test('a valid Deployment passes', () => {
    // GIVEN
    const obj = deployment();

    // WHEN
    const issues = validateManifest(obj);

    // THEN
    expect(issues).toEqual([]);
  });

  test('everything cdk8s-plus-28 synthesizes for a Deployment with a Service and a ConfigMap passes', () => {
    // GIVEN
    const chart = Testing.chart();
    const config = new kplus.ConfigMap(chart, 'config', { metadata: { namespace: '3scale' }, data: { 'redis.conf': 'save ""' } });
    const deploy = new kplus.Deployment(chart, 'redis', {
      metadata: { namespace: '3scale' },
      replicas: 1,
      containers: [{ image: 'registry.redhat.io/rhel9/redis-7', portNumber: 6379, volumeMounts: [{ path: '/etc/redis.d', volume: kplus.Volume.fromConfigMap(chart, 'vol', config) }] }],
    });
    deploy.exposeViaService({ ports: [{ port: 6379 }] });

    // WHEN
    const issues = validateManifests(Testing.synth(chart));

    // THEN
    expect(issues).toEqual([]);
  });

  test('a Deployment whose replicas is a string fails with a sentence naming the object and the path', () => {
    // GIVEN
    const obj = deployment({ spec: { replicas: 'two' } });

    // WHEN
    const issues = validateManifest(obj);

    // THEN
    expect(issues).toEqual([
      {
        object: 'Deployment/3scale/apicast-production',
        path: 'spec.replicas',
        message: 'Deployment/3scale/apicast-production: spec.replicas must be an integer, but is the string "two".',
      },
    ]);
  });

  test('a wrong value deep inside a list and a bad quantity are each reported at their own path', () => {
    // GIVEN
    const obj = deployment();
    const container = (obj.spec as any).template.spec.containers[0];
    container.image = 42;
    container.resources.limits.cpu = 'one core';

    // WHEN
    const issues = validateManifest(obj);

    // THEN
    expect(issues.map((i) => i.path)).toEqual([
      'spec.template.spec.containers[0].image',
      'spec.template.spec.containers[0].resources.limits.cpu',
    ]);
    expect(issues[1]?.message).toBe(
      'Deployment/3scale/apicast-production: spec.template.spec.containers[0].resources.limits.cpu must be a number or a quantity string such as 500m or 10Gi, but is the string "one core".',
    );
  });

  test('a partial Deployment (only metadata and spec.replicas) passes with partial and fails without', () => {
    // GIVEN
    const patch = { apiVersion: 'apps/v1', kind: 'Deployment', metadata: { name: 'system-app', namespace: '3scale' }, spec: { replicas: 0 } };

    // WHEN
    const asPatch = validateManifest(patch, { partial: true });
    const asFullObject = validateManifest(patch);

    // THEN
    expect(asPatch).toEqual([]);
    expect(asFullObject.map((i) => i.message)).toEqual([
      'Deployment/3scale/system-app: spec.selector is required but missing.',
      'Deployment/3scale/system-app: spec.template is required but missing.',
    ]);
  });

  test('a partial object still has its types checked and still needs a name', () => {
    // GIVEN
    const wrongType = { apiVersion: 'apps/v1', kind: 'Deployment', metadata: { name: 'system-app', namespace: '3scale' }, spec: { replicas: -1.5 } };
    const nameless = { apiVersion: 'apps/v1', kind: 'Deployment', metadata: { namespace: '3scale' }, spec: { replicas: 1 } };

    // WHEN
    const wrongTypeIssues = validateManifest(wrongType, { partial: true });
    const namelessIssues = validateManifest(nameless, { partial: true });

    // THEN
    expect(wrongTypeIssues.map((i) => i.path)).toEqual(['spec.replicas']);
    expect(namelessIssues).toEqual([
      {
        object: 'Deployment/3scale/<no name>',
        path: 'metadata.name',
        message: 'Deployment/3scale/<no name>: metadata.name is required but missing, so the object cannot be applied.',
      },
    ]);
  });

  test.each([
    { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'redis-config', namespace: '3scale' }, data: { 'redis.conf': 'save ""' } },
    { apiVersion: 'v1', kind: 'Secret', metadata: { name: 'system-database', namespace: '3scale' }, type: 'Opaque', stringData: { URL: 'postgresql://u:p@db:5432/system' } },
    { apiVersion: 'v1', kind: 'Service', metadata: { name: 'system-postgresql', namespace: '3scale' }, spec: { ports: [{ name: 'pg', port: 5432, targetPort: 5432 }], selector: { deployment: 'system-postgresql' } } },
    { apiVersion: 'v1', kind: 'ServiceAccount', metadata: { name: 'threescale-migrate', namespace: '3scale' } },
    { apiVersion: 'v1', kind: 'PersistentVolumeClaim', metadata: { name: 'pg-data', namespace: 'db' }, spec: { accessModes: ['ReadWriteOnce'], resources: { requests: { storage: '10Gi' } } } },
    { apiVersion: 'v1', kind: 'Namespace', metadata: { name: '3scale-databases' } },
    { apiVersion: 'batch/v1', kind: 'Job', metadata: { name: 'dump', namespace: '3scale' }, spec: { backoffLimit: 0, template: { spec: { restartPolicy: 'Never', containers: [{ name: 'dump', image: 'postgres:15' }] } } } },
    { apiVersion: 'rbac.authorization.k8s.io/v1', kind: 'Role', metadata: { name: 'r', namespace: '3scale' }, rules: [{ apiGroups: ['apps'], resources: ['deployments/scale'], verbs: ['patch'] }] },
    { apiVersion: 'rbac.authorization.k8s.io/v1', kind: 'RoleBinding', metadata: { name: 'r', namespace: '3scale' }, roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'Role', name: 'r' }, subjects: [{ kind: 'ServiceAccount', name: 'threescale-migrate', namespace: '3scale' }] },
    { apiVersion: 'rbac.authorization.k8s.io/v1', kind: 'ClusterRole', metadata: { name: 'c' }, rules: [{ apiGroups: [''], resources: ['namespaces'], verbs: ['get'] }] },
  ])('a valid $kind passes', (obj) => {
    // GIVEN an object of one of the other built-in kinds the tool renders

    // WHEN
    const issues = validateManifest(obj);

    // THEN
    expect(issues).toEqual([]);
  });
});

describe('validateManifest: APIManager (project CRD)', () => {
  test('a partial APIManager with only spec.externalComponents passes with partial', () => {
    // GIVEN
    const patch = apiManager({ externalComponents: { system: { database: true, redis: true }, backend: { redis: true } } });

    // WHEN
    const issues = validateManifest(patch, { partial: true });

    // THEN
    expect(issues).toEqual([]);
  });

  test('the same patch validated as a full object misses wildcardDomain', () => {
    // GIVEN
    const patch = apiManager({ externalComponents: { system: { database: true } } });

    // WHEN
    const issues = validateManifest(patch);

    // THEN
    expect(issues).toEqual([
      { object: 'APIManager/3scale/3scale', path: 'spec.wildcardDomain', message: 'APIManager/3scale/3scale: spec.wildcardDomain is required but missing.' },
    ]);
  });

  test('externalComponents.system.database "yes" fails even as a partial patch', () => {
    // GIVEN
    const patch = apiManager({ externalComponents: { system: { database: 'yes' } } });

    // WHEN
    const issues = validateManifest(patch, { partial: true });

    // THEN
    expect(issues).toEqual([
      {
        object: 'APIManager/3scale/3scale',
        path: 'spec.externalComponents.system.database',
        message: 'APIManager/3scale/3scale: spec.externalComponents.system.database must be a boolean (true or false), but is the string "yes".',
      },
    ]);
  });

  test('a misspelt field in a closed subtree is rejected, an unmodelled field in an open subtree is kept', () => {
    // GIVEN
    const typo = apiManager({ wildcardDomain: 'apps.example.com', externalComponents: { system: { databse: true } } });
    const unmodelled = apiManager({
      wildcardDomain: 'apps.example.com',
      apicast: { productionSpec: { replicas: 2, logLevel: 'info' } },
      someFutureField: { enabled: true },
    });

    // WHEN
    const typoIssues = validateManifest(typo);
    const unmodelledIssues = validateManifest(unmodelled);

    // THEN
    expect(typoIssues).toEqual([
      {
        object: 'APIManager/3scale/3scale',
        path: 'spec.externalComponents.system.databse',
        message: 'APIManager/3scale/3scale: spec.externalComponents.system.databse is not a known field (known fields here: database, redis).',
      },
    ]);
    expect(unmodelledIssues).toEqual([]);
  });

  test('a full 2.15 APIManager with an internal PostgreSQL, S3 file storage and replicas passes', () => {
    // GIVEN
    const obj = {
      ...apiManager({
        wildcardDomain: 'apps.example.com',
        appLabel: '3scale-api-management',
        tenantName: '3scale',
        resourceRequirementsEnabled: true,
        imagePullSecrets: [{ name: 'threescale-registry-auth' }],
        externalComponents: { zync: { database: false } },
        apicast: { managementAPI: 'status', openSSLVerify: false, responseCodes: true, productionSpec: { replicas: 2 }, stagingSpec: {} },
        backend: { listenerSpec: { replicas: 2 }, workerSpec: {}, cronSpec: {} },
        system: {
          appSpec: { replicas: 1 },
          sidekiqSpec: {},
          database: {
            postgresql: {
              image: 'registry.redhat.io/rhscl/postgresql-10-rhel7',
              persistentVolumeClaim: { storageClassName: 'gp3-csi', resources: { requests: '10Gi' } },
              resources: { limits: { cpu: '1', memory: '2Gi' } },
              labels: { team: 'api' },
              tolerations: [{ key: 'db', operator: 'Exists' }],
            },
          },
          fileStorage: { simpleStorageService: { configurationSecretRef: { name: 'aws-auth' } } },
        },
        zync: { appSpec: { replicas: 1 }, queSpec: { replicas: 1 } },
      }),
      status: {
        conditions: [{ type: 'Available', status: 'True', lastTransitionTime: '2025-01-01T00:00:00Z' }],
        deployments: { ready: ['apicast-production'], starting: [], stopped: [] },
      },
    };

    // WHEN
    const issues = validateManifest(obj);

    // THEN
    expect(issues).toEqual([]);
  });

  test('both internal databases at once, a bad storage size and negative replicas are reported', () => {
    // GIVEN
    const obj = apiManager({
      wildcardDomain: 'apps.example.com',
      backend: { cronSpec: { replicas: -1 } },
      system: { database: { mysql: {}, postgresql: { persistentVolumeClaim: { resources: { requests: '10 GB' } } } } },
    });

    // WHEN
    const issues = validateManifest(obj);

    // THEN
    expect(issues.map((i) => i.message)).toEqual([
      'APIManager/3scale/3scale: spec.backend.cronSpec.replicas must be >= 0, but is the number -1.',
      'APIManager/3scale/3scale: spec.system.database may set at most 1 field(s), but sets 2 (mysql, postgresql).',
      'APIManager/3scale/3scale: spec.system.database.postgresql.persistentVolumeClaim.resources.requests must be a quantity such as 500m, 2 or 10Gi, but is the string "10 GB".',
    ]);
  });
});

describe('validateManifest: OLM Subscription (project CRD)', () => {
  test('a Subscription to the 2.16 channel passes', () => {
    // GIVEN
    const obj = subscription({});

    // WHEN
    const issues = validateManifest(obj);

    // THEN
    expect(issues).toEqual([]);
  });

  test('installPlanApproval "Sometimes" fails', () => {
    // GIVEN
    const obj = subscription({ installPlanApproval: 'Sometimes' });

    // WHEN
    const issues = validateManifest(obj);

    // THEN
    expect(issues).toEqual([
      {
        object: 'Subscription/3scale/3scale-operator',
        path: 'spec.installPlanApproval',
        message: 'Subscription/3scale/3scale-operator: spec.installPlanApproval must be one of "Automatic" or "Manual", but is the string "Sometimes".',
      },
    ]);
  });

  test('a channel-only patch passes with partial', () => {
    // GIVEN
    const patch = { apiVersion: 'operators.coreos.com/v1alpha1', kind: 'Subscription', metadata: { name: '3scale-operator', namespace: '3scale' }, spec: { channel: 'threescale-2.16' } };

    // WHEN
    const issues = validateManifest(patch, { partial: true });

    // THEN
    expect(issues).toEqual([]);
  });
});

describe('validateManifest: GitOps kinds', () => {
  test('a minimal Argo CD Application passes', () => {
    // GIVEN
    const obj = argoApplication();

    // WHEN
    const issues = validateManifest(obj);

    // THEN
    expect(issues).toEqual([]);
  });

  test('an Argo CD Application without a destination and with a non-boolean prune fails', () => {
    // GIVEN
    const obj = argoApplication({ destination: undefined, syncPolicy: { automated: { prune: 'yes' } } });
    delete (obj.spec as Record<string, unknown>).destination;

    // WHEN
    const issues = validateManifest(obj);

    // THEN
    expect(issues.map((i) => i.message)).toEqual([
      'Application/openshift-gitops/3scale-phase-1: spec.destination is required but missing.',
      'Application/openshift-gitops/3scale-phase-1: spec.syncPolicy.automated.prune must be a boolean (true or false), but is the string "yes".',
    ]);
  });

  test('a minimal Argo CD AppProject passes', () => {
    // GIVEN
    const obj = {
      apiVersion: 'argoproj.io/v1alpha1',
      kind: 'AppProject',
      metadata: { name: '3scale', namespace: 'openshift-gitops' },
      spec: { destinations: [{ server: 'https://kubernetes.default.svc', namespace: '3scale' }], sourceRepos: ['*'] },
    };

    // WHEN
    const issues = validateManifest(obj);

    // THEN
    expect(issues).toEqual([]);
  });

  test('a minimal Flux Kustomization and GitRepository pass', () => {
    // GIVEN
    const kustomization = fluxKustomization();
    const gitRepository = {
      apiVersion: 'source.toolkit.fluxcd.io/v1',
      kind: 'GitRepository',
      metadata: { name: 'platform', namespace: 'flux-system' },
      spec: { interval: '5m', url: 'https://git.example.com/platform/3scale.git', ref: { branch: 'main' } },
    };

    // WHEN
    const issues = validateManifests([kustomization, gitRepository]);

    // THEN
    expect(issues).toEqual([]);
  });

  test('a Flux Kustomization without a sourceRef and with prune "yes" fails', () => {
    // GIVEN
    const obj = fluxKustomization({ prune: 'yes' });
    delete (obj.spec as Record<string, unknown>).sourceRef;

    // WHEN
    const issues = validateManifest(obj);

    // THEN
    expect(issues.map((i) => i.path)).toEqual(['spec.sourceRef', 'spec.prune']);
    expect(issues[1]?.message).toBe('Kustomization/flux-system/3scale-phase-1: spec.prune must be a boolean (true or false), but is the string "yes".');
  });
});

describe('validateManifest: objects without a known schema', () => {
  test('an unknown apiVersion/kind is reported, not passed', () => {
    // GIVEN
    const obj = { apiVersion: 'route.openshift.io/v1', kind: 'Route', metadata: { name: 'api', namespace: '3scale' }, spec: {} };

    // WHEN
    const issues = validateManifest(obj);

    // THEN
    expect(issues).toHaveLength(1);
    expect(issues[0]?.object).toBe('Route/3scale/api');
    expect(issues[0]?.message).toMatch(/^Route\/3scale\/api: no schema is known for apiVersion route\.openshift\.io\/v1 kind Route/);
  });

  test('an object without apiVersion is reported', () => {
    // GIVEN
    const obj = { kind: 'ConfigMap', metadata: { name: 'x' } };

    // WHEN
    const issues = validateManifest(obj);

    // THEN
    expect(issues).toEqual([
      { object: 'ConfigMap/x', path: 'apiVersion', message: 'ConfigMap/x: apiVersion is missing, so the object has no schema to validate against.' },
    ]);
  });

  test('a kustomize kustomization.yaml is not a Kubernetes object and is skipped', () => {
    // GIVEN
    const obj = { apiVersion: 'kustomize.config.k8s.io/v1beta1', kind: 'Kustomization', resources: ['deployment.yaml'] };

    // WHEN
    const issues = validateManifest(obj);

    // THEN
    expect(issues).toEqual([]);
  });
});

describe('validateManifests: speed', () => {
  test('validating 100 synthesized objects stays well under a second', () => {
    // GIVEN a mix like one migration phase: Deployments, Secrets, a Job, patches, CRs and GitOps objects
    const kinds = [
      () => deployment(),
      () => ({ apiVersion: 'apps/v1', kind: 'Deployment', metadata: { name: 'system-app', namespace: '3scale' }, spec: { replicas: 0 } }),
      () => ({ apiVersion: 'v1', kind: 'Secret', metadata: { name: 's', namespace: '3scale' }, stringData: { URL: 'redis://r:6379/1' } }),
      () => apiManager({ externalComponents: { system: { database: true } } }),
      () => subscription({}),
      () => argoApplication(),
      () => fluxKustomization(),
    ];
    const objects = Array.from({ length: 100 }, (_, i) => kinds[i % kinds.length]!());
    validateManifests(objects.slice(0, kinds.length), { partial: true }); // compile the CRD validators once

    // WHEN
    const started = performance.now();
    const issues = validateManifests(objects, { partial: true });
    const elapsedMs = performance.now() - started;

    // THEN
    expect(issues).toEqual([]);
    expect(elapsedMs).toBeLessThan(1000);
  });
});
