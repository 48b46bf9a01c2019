import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Testing } from 'cdk8s';
import { describe, expect, test } from 'vitest';
import { parse } from 'yaml';
import { Subscription, SubscriptionSpecInstallPlanApproval } from '../../imports/olm-operators.coreos.com.js';
import {
  ApiManager,
  ApiManagerSpecSystemDatabasePostgresqlPersistentVolumeClaimResourcesRequests,
} from '../../imports/threescale-apps.3scale.net.js';
import { DeploymentConfig, DeploymentConfigSpecStrategyType, DeploymentConfigSpecTriggersType } from '../../imports/openshift-apps-apps.openshift.io.js';
import { readExport } from '../../src/live/export-file.js';
import { crdDirectory, knownCustomKinds } from '../../src/validate/crd-index.js';
import { LIVE_FIXTURES } from '../support/live-fixtures.js';
import { packageRoot } from '../../src/util/package-root.js';
import { validateManifests } from '../../src/validate/validate-manifest.js';

type Node = Record<string, unknown>;

const CRD_FILES = ['apimanager.apps.3scale.net.yaml', 'deploymentconfig.apps.openshift.io.yaml', 'imagestream.image.openshift.io.yaml', 'operatorgroup.operators.coreos.com.yaml', 'subscription.operators.coreos.com.yaml'];

/** The one version each CRD serves (the OpenShift kinds and the OLM OperatorGroup are v1 APIs). */
const VERSIONS: Record<string, string> = {
  'apimanager.apps.3scale.net.yaml': 'v1alpha1',
  'deploymentconfig.apps.openshift.io.yaml': 'v1',
  'imagestream.image.openshift.io.yaml': 'v1',
  'operatorgroup.operators.coreos.com.yaml': 'v1',
  'subscription.operators.coreos.com.yaml': 'v1alpha1',
};

function loadCrd(file: string): Node {
  return parse(readFileSync(join(crdDirectory(), file), 'utf8')) as Node;
}

/**
 * Lists what keeps a schema from being structural in the apiextensions.k8s.io/v1 sense (the rules that
 * matter for these files): every node states a type, or preserves unknown fields, or is int-or-string;
 * `properties` and `additionalProperties` are not combined; no `$ref`; an object that lists no fields either
 * is a map or preserves unknown fields (otherwise the API server would prune all its content).
 */
function structuralProblems(node: Node, path: string): string[] {
  const problems: string[] = [];
  const preserves = node['x-kubernetes-preserve-unknown-fields'] === true;
  const intOrString = node['x-kubernetes-int-or-string'] === true;
  if (typeof node.type !== 'string' && !preserves && !intOrString) {
    problems.push(`${path} has no type`);
  }
  if (node.properties !== undefined && node.additionalProperties !== undefined) {
    problems.push(`${path} has both properties and additionalProperties`);
  }
  if (node.$ref !== undefined) {
    problems.push(`${path} uses $ref`);
  }
  if (node.type === 'object' && node.properties === undefined && node.additionalProperties === undefined && !preserves && path !== '.metadata') {
    problems.push(`${path} is an object without fields that would be pruned empty`);
  }
  for (const [name, child] of Object.entries((node.properties as Record<string, Node> | undefined) ?? {})) {
    problems.push(...structuralProblems(child, `${path}.${name}`));
  }
  if (typeof node.items === 'object' && node.items !== null) {
    problems.push(...structuralProblems(node.items as Node, `${path}[]`));
  }
  if (typeof node.additionalProperties === 'object' && node.additionalProperties !== null) {
    problems.push(...structuralProblems(node.additionalProperties as Node, `${path}{}`));
  }
  return problems;
}

describe('crds/', () => {
  test('the folder is found at the package root', () => {
    // GIVEN
    const root = packageRoot();

    // WHEN
    const dir = crdDirectory();

    // THEN
    expect(dir).toBe(join(root, 'crds'));
    expect(existsSync(join(dir, CRD_FILES[0]!))).toBe(true);
  });

  test('holds exactly the project CRDs and the validator knows their kinds', () => {
    // GIVEN
    const files = readdirSync(crdDirectory()).filter((f) => f.endsWith('.yaml')).sort();

    // WHEN
    const kinds = knownCustomKinds();

    // THEN
    expect(files).toEqual(CRD_FILES);
    expect(kinds).toEqual(['apps.3scale.net/v1alpha1/APIManager', 'apps.openshift.io/v1/DeploymentConfig', 'image.openshift.io/v1/ImageStream', 'operators.coreos.com/v1/OperatorGroup', 'operators.coreos.com/v1alpha1/Subscription']);
  });

  test.each(CRD_FILES)('%s is a structural apiextensions.k8s.io/v1 CRD', (file) => {
    // GIVEN
    const crd = loadCrd(file);

    // WHEN
    const spec = crd.spec as Node;
    const names = spec.names as Node;
    const versions = spec.versions as Node[];
    const problems = versions.flatMap((v) => structuralProblems((v.schema as Node).openAPIV3Schema as Node, ''));

    // THEN
    expect(crd.apiVersion).toBe('apiextensions.k8s.io/v1');
    expect(crd.kind).toBe('CustomResourceDefinition');
    expect((crd.metadata as Node).name).toBe(`${String(names.plural)}.${String(spec.group)}`);
    expect(spec.scope).toBe('Namespaced');
    expect(versions.map((v) => v.name)).toEqual([VERSIONS[file]]);
    expect(versions.filter((v) => v.storage === true)).toHaveLength(1);
    expect(((versions[0]!.schema as Node).openAPIV3Schema as Node).type).toBe('object');
    expect(problems).toEqual([]);
  });

  test('the APIManager CRD names the fields the migration uses', () => {
    // GIVEN
    const schema = ((loadCrd(CRD_FILES[0]!).spec as Node).versions as Node[])[0]!.schema as Node;
    const at = (path: string): Node =>
      path.split('.').reduce<Node>((node, key) => (node.properties as Record<string, Node>)[key]!, schema.openAPIV3Schema as Node);

    // WHEN
    const fields = {
      systemDatabase: at('spec.externalComponents.system.database').type,
      zyncDatabase: at('spec.externalComponents.zync.database').type,
      postgresqlPvc: Object.keys(at('spec.system.database.postgresql.persistentVolumeClaim').properties as Node),
      s3Secret: Object.keys(at('spec.system.fileStorage.simpleStorageService.configurationSecretRef').properties as Node),
      queReplicas: at('spec.zync.queSpec.replicas').type,
      conditions: Object.keys((at('status.conditions').items as Node).properties as Node),
    };

    // THEN
    expect(fields).toEqual({
      systemDatabase: 'boolean',
      zyncDatabase: 'boolean',
      postgresqlPvc: ['storageClassName', 'volumeName', 'resources'],
      s3Secret: ['name'],
      queReplicas: 'integer',
      conditions: ['type', 'status', 'reason', 'message', 'lastTransitionTime'],
    });
  });
});

describe('imports/ (generated by cdk8s import)', () => {
  test('the generated files exist', () => {
    // GIVEN
    const root = packageRoot();

    // WHEN
    const files = ['imports/threescale-apps.3scale.net.ts', 'imports/olm-operators.coreos.com.ts', 'imports/openshift-apps-apps.openshift.io.ts', 'imports/openshift-image-image.openshift.io.ts'].filter((f) => existsSync(join(root, f)));

    // THEN
    expect(files).toHaveLength(4);
  });

  test('DeploymentConfig synthesizes an apps.openshift.io/v1 DeploymentConfig that validates; a bad strategy type does not', () => {
    // GIVEN
    const chart = Testing.chart();
    new DeploymentConfig(chart, 'dc', {
      metadata: { name: 'system-app', namespace: '3scale' },
      spec: {
        replicas: 2,
        selector: { deploymentConfig: 'system-app' },
        strategy: { type: DeploymentConfigSpecStrategyType.ROLLING },
        triggers: [{ type: DeploymentConfigSpecTriggersType.CONFIG_CHANGE }],
        template: { metadata: { labels: { deploymentConfig: 'system-app' } } },
      },
    });

    // WHEN
    const manifests = Testing.synth(chart);
    const badStrategy = { ...manifests[0], spec: { ...manifests[0].spec, strategy: { type: 'RollingUpdate' } } };

    // THEN
    expect(manifests[0]).toMatchObject({ apiVersion: 'apps.openshift.io/v1', kind: 'DeploymentConfig', spec: { replicas: 2, strategy: { type: 'Rolling' } } });
    expect(validateManifests(manifests)).toEqual([]);
    expect(validateManifests([badStrategy]).map((i) => i.path)).toEqual(['spec.strategy.type']);
  });

  test('every DeploymentConfig of the 2.14 export validates as a full object against the CRD', async () => {
    // GIVEN the DeploymentConfigs exported from the pre-2.15 install (status and server fields included)
    const dcs = (await readExport(LIVE_FIXTURES['postgresql-dc'])).filter((o) => o.kind === 'DeploymentConfig');

    // WHEN
    const issues = validateManifests(dcs);

    // THEN
    expect(dcs).toHaveLength(15);
    expect(issues).toEqual([]);
  });

  test('ApiManager synthesizes an apps.3scale.net/v1alpha1 APIManager that validates', () => {
    // GIVEN
    const chart = Testing.chart();
    new ApiManager(chart, 'apimanager', {
      metadata: { name: '3scale', namespace: '3scale' },
      spec: {
        wildcardDomain: 'apps.example.com',
        externalComponents: { system: { database: true, redis: true }, backend: { redis: true } },
        system: {
          database: {
            postgresql: {
              persistentVolumeClaim: {
                resources: { requests: ApiManagerSpecSystemDatabasePostgresqlPersistentVolumeClaimResourcesRequests.fromString('10Gi') },
              },
            },
          },
        },
        apicast: { productionSpec: { replicas: 2 } },
      },
    });

    // WHEN
    const manifests = Testing.synth(chart);

    // THEN
    expect(manifests).toHaveLength(1);
    expect(manifests[0]).toMatchObject({
      apiVersion: 'apps.3scale.net/v1alpha1',
      kind: 'APIManager',
      metadata: { name: '3scale', namespace: '3scale' },
      spec: {
        externalComponents: { system: { database: true, redis: true }, backend: { redis: true } },
        system: { database: { postgresql: { persistentVolumeClaim: { resources: { requests: '10Gi' } } } } },
        apicast: { productionSpec: { replicas: 2 } },
      },
    });
    expect(validateManifests(manifests)).toEqual([]);
  });

  test('Subscription synthesizes an operators.coreos.com/v1alpha1 Subscription with the JSON field names', () => {
    // GIVEN
    const chart = Testing.chart();
    new Subscription(chart, 'subscription', {
      metadata: { name: '3scale-operator', namespace: '3scale' },
      spec: {
        name: '3scale-operator',
        source: 'redhat-operators',
        sourceNamespace: 'openshift-marketplace',
        channel: 'threescale-2.16',
        installPlanApproval: SubscriptionSpecInstallPlanApproval.MANUAL,
        startingCsv: '3scale-operator.v0.13.4',
      },
    });

    // WHEN
    const manifests = Testing.synth(chart);

    // THEN
    expect(manifests).toEqual([
      {
        apiVersion: 'operators.coreos.com/v1alpha1',
        kind: 'Subscription',
        metadata: { name: '3scale-operator', namespace: '3scale' },
        spec: {
          channel: 'threescale-2.16',
          installPlanApproval: 'Manual',
          name: '3scale-operator',
          source: 'redhat-operators',
          sourceNamespace: 'openshift-marketplace',
          startingCSV: '3scale-operator.v0.13.4',
        },
      },
    ]);
    expect(validateManifests(manifests)).toEqual([]);
  });
});
