import { threescaleWorkload } from '../../plan/plan-facts.js';
import type { DetachedObject, Plan } from '../../plan/plan-schema.js';
import { type JsonPatchOperation, type JsonPatchStep, jsonpathKey, patchStepDocument, patchStepsIndex, pointerSegment } from '../../patches/json-patch-steps.js';

export { pointerSegment } from '../../patches/json-patch-steps.js';

/**
 * The RFC 6902 patches that detach a kept-in-place `system-mysql` from the 3scale operator (seed 3.3): the
 * APIManager ownerReference and the 3scale labels go, so deleting the APIManager later cannot
 * garbage-collect the database, and the operator no longer recognizes it.
 *
 * Generated from what the plan records as present (discovery reads it from the live objects). Every
 * removal is one step of its own, a `test` of the value discovery saw followed by the `remove`, so the API
 * server refuses a removal whose value changed, and a path that is not there is never removed.
 */

/** One guarded removal on one object (a {@link JsonPatchStep} whose change is one `remove`). */
export interface DetachStep extends JsonPatchStep {
  readonly kind: DetachedObject['kind'];
  /** The JSON pointer removed. */
  readonly removedPath: string;
  /** kubectl jsonpath that prints nothing once the step is done (the Job skips done steps). */
  readonly doneWhenEmpty: string;
}

/** Labels the operator puts on every object's metadata (facts section 0). */
const METADATA_LABEL_KEYS = ['app', 'threescale_component', 'threescale_component_element'] as const;
/**
 * Labels the operator puts on pod templates besides those; the selector label (`deployment`, or
 * `deploymentConfig` before 2.15) is not among them and stays.
 */
const METERING_LABEL_KEYS = ['com.company', 'rht.comp', 'rht.comp_ver', 'rht.prod_name', 'rht.prod_ver', 'rht.subcomp', 'rht.subcomp_t'] as const;

const RESOURCE_BY_KIND: Record<DetachedObject['kind'], string> = {
  Deployment: 'deployment',
  DeploymentConfig: 'deploymentconfig',
  PersistentVolumeClaim: 'persistentvolumeclaim',
  ConfigMap: 'configmap',
  Service: 'service',
  ServiceAccount: 'serviceaccount',
};

/**
 * What the 2.15 operator writes on the MySQL objects (facts sections 0 and 1.1), used when the plan does
 * not record discovered values. The seed forgets `mysql-main-conf` and the Service `system-mysql`, which the
 * operator owns too. Before 2.15 `system-mysql` is a DeploymentConfig with the same labels (the release in
 * `rht.comp_ver` is then 2.14: every removal is guarded by a `test`, so a different value is refused, not
 * removed).
 */
export function defaultDetachObjects(plan: Plan): DetachedObject[] {
  const app = plan.spec.threescale.appLabel;
  const workloadKind = threescaleWorkload(plan).kind;
  const labels = { app, threescale_component: 'system', threescale_component_element: 'mysql' };
  const podTemplateLabels = {
    ...labels,
    'com.company': 'Red_Hat',
    'rht.comp': '3scale',
    'rht.comp_ver': workloadKind === 'DeploymentConfig' ? '2.14' : '2.15',
    'rht.prod_name': 'Red_Hat_Integration',
    'rht.prod_ver': 'master',
    'rht.subcomp': 'system-mysql',
    'rht.subcomp_t': 'application',
  };
  return [
    { kind: workloadKind, name: 'system-mysql', labels, podTemplateLabels, apiManagerOwnerIndex: 0 },
    { kind: 'PersistentVolumeClaim', name: 'mysql-storage', labels, apiManagerOwnerIndex: 0 },
    { kind: 'ConfigMap', name: 'mysql-extra-conf', labels, apiManagerOwnerIndex: 0 },
    { kind: 'ConfigMap', name: 'mysql-main-conf', labels, apiManagerOwnerIndex: 0 },
    { kind: 'Service', name: 'system-mysql', labels, apiManagerOwnerIndex: 0 },
    // system-mysql runs as ServiceAccount amp, which the operator owns (ownerReference, no labels): deleting
    // the APIManager would garbage-collect it, and the MySQL pod could not be created again.
    { kind: 'ServiceAccount', name: 'amp', apiManagerOwnerIndex: 0 },
  ];
}

/** The guarded removal steps for a plan, in a stable order; empty unless MySQL is kept in place. */
export function mysqlDetachSteps(plan: Plan): DetachStep[] {
  const db = plan.spec.systemDatabase;
  if (db.kind !== 'mysql' || db.strategy !== 'keep-in-place') return [];
  const objects = db.detach ?? defaultDetachObjects(plan);
  const apiManager = plan.spec.threescale.apiManagerName;
  const steps: DetachStep[] = [];

  for (const obj of objects) {
    const resource = RESOURCE_BY_KIND[obj.kind];
    const add = (suffix: string, operations: JsonPatchOperation[], removedPath: string, doneWhenEmpty: string) => {
      const file = `${String(steps.length + 1).padStart(2, '0')}-${resource}-${obj.name}-${suffix}.json`;
      // The comparison addresses list items by merge key, so diff selects the ownerReference by kind and name.
      const checkPath = /^\/metadata\/ownerReferences\/\d+$/.test(removedPath) ? `/metadata/ownerReferences/kind=APIManager,name=${apiManager}` : removedPath;
      steps.push({
        apiVersion: obj.kind === 'Deployment' ? 'apps/v1' : obj.kind === 'DeploymentConfig' ? 'apps.openshift.io/v1' : 'v1',
        resource,
        kind: obj.kind,
        name: obj.name,
        file,
        operations,
        removedPath,
        doneWhenEmpty,
        probe: `jsonpath=${doneWhenEmpty}`,
        done: '',
        check: { removedPath: checkPath },
      });
    };

    if (obj.apiManagerOwnerIndex !== undefined) {
      const base = `/metadata/ownerReferences/${obj.apiManagerOwnerIndex}`;
      add(
        'owner',
        [
          { op: 'test', path: `${base}/kind`, value: 'APIManager' },
          { op: 'test', path: `${base}/name`, value: apiManager },
          { op: 'remove', path: base },
        ],
        base,
        '{.metadata.ownerReferences[?(@.kind=="APIManager")].name}',
      );
    }
    for (const key of METADATA_LABEL_KEYS) {
      const value = obj.labels?.[key];
      if (value === undefined) continue;
      const path = `/metadata/labels/${pointerSegment(key)}`;
      add(`label-${key}`, [{ op: 'test', path, value }, { op: 'remove', path }], path, `{.metadata.labels.${jsonpathKey(key)}}`);
    }
    if (obj.kind === 'Deployment' || obj.kind === 'DeploymentConfig') {
      for (const key of [...METADATA_LABEL_KEYS, ...METERING_LABEL_KEYS]) {
        const value = obj.podTemplateLabels?.[key];
        if (value === undefined) continue;
        const path = `/spec/template/metadata/labels/${pointerSegment(key)}`;
        add(`pod-label-${key}`, [{ op: 'test', path, value }, { op: 'remove', path }], path, `{.spec.template.metadata.labels.${jsonpathKey(key)}}`);
      }
    }
  }
  return steps;
}

/** The `steps` index file the patch Job reads (see {@link patchStepsIndex}). */
export function detachStepsIndex(steps: readonly DetachStep[]): string {
  return patchStepsIndex(steps);
}

/** A step's patch document as written to the phase folder (pretty, stable). */
export function detachStepDocument(step: DetachStep): string {
  return patchStepDocument(step);
}
