/**
 * What the fake API server adds to and checks on built-in objects, like kube-apiserver's defaulting
 * and validation (the subset the 3scale migration touches): pod template and container defaults,
 * Deployment/Job/Service/Secret/PVC defaults, name syntax, selector/template label agreement, and
 * immutable fields.
 */
import { clone, deepEqual, isObject } from './fake-api-fields.js';
import type { Json, JsonObject } from './fake-api-fields.js';
import type { FakeResourceType } from './fake-api-resources.js';

/** A validation failure, rendered by the store as a 422 `Invalid` Status. */
export interface FieldViolation {
  /** Field path, e.g. `spec.template`. */
  readonly field: string;
  /** Status cause reason, e.g. `FieldValueInvalid`. */
  readonly reason: string;
  /** Message after the field path, e.g. `Invalid value: ...: field is immutable`. */
  readonly message: string;
}

/** Sets a default where the field is absent, or null (a null decodes to an unset pointer, which defaulting fills). */
function setDefault(obj: JsonObject, key: string, value: Json): void {
  if (obj[key] === undefined || (obj[key] === null && value !== null)) obj[key] = value;
}

function defaultProbe(probe: Json | undefined): void {
  if (!isObject(probe)) return;
  setDefault(probe, 'timeoutSeconds', 1);
  setDefault(probe, 'periodSeconds', 10);
  setDefault(probe, 'successThreshold', 1);
  setDefault(probe, 'failureThreshold', 3);
  if (isObject(probe.httpGet)) setDefault(probe.httpGet, 'scheme', 'HTTP');
}

function defaultContainer(c: Json): void {
  if (!isObject(c)) return;
  setDefault(c, 'terminationMessagePath', '/dev/termination-log');
  setDefault(c, 'terminationMessagePolicy', 'File');
  if (c.imagePullPolicy === undefined) {
    const image = typeof c.image === 'string' ? c.image : '';
    const tag = image.includes('@') ? 'digest' : (/:([^/:]+)$/.exec(image)?.[1] ?? 'latest');
    c.imagePullPolicy = tag === 'latest' ? 'Always' : 'IfNotPresent';
  }
  setDefault(c, 'resources', {});
  if (Array.isArray(c.ports)) for (const p of c.ports) if (isObject(p)) setDefault(p, 'protocol', 'TCP');
  if (Array.isArray(c.env)) {
    for (const e of c.env) {
      if (isObject(e) && isObject(e.valueFrom) && isObject(e.valueFrom.fieldRef)) setDefault(e.valueFrom.fieldRef, 'apiVersion', 'v1');
    }
  }
  defaultProbe(c.livenessProbe);
  defaultProbe(c.readinessProbe);
  defaultProbe(c.startupProbe);
}

function defaultPodSpec(spec: Json | undefined, restartPolicy = 'Always'): void {
  if (!isObject(spec)) return;
  setDefault(spec, 'dnsPolicy', 'ClusterFirst');
  setDefault(spec, 'restartPolicy', restartPolicy);
  setDefault(spec, 'schedulerName', 'default-scheduler');
  setDefault(spec, 'securityContext', {});
  setDefault(spec, 'terminationGracePeriodSeconds', 30);
  if (typeof spec.serviceAccountName === 'string') setDefault(spec, 'serviceAccount', spec.serviceAccountName);
  for (const list of ['containers', 'initContainers']) if (Array.isArray(spec[list])) (spec[list] as Json[]).forEach(defaultContainer);
  if (Array.isArray(spec.volumes)) {
    for (const v of spec.volumes) {
      if (!isObject(v)) continue;
      if (isObject(v.configMap)) setDefault(v.configMap, 'defaultMode', 420);
      if (isObject(v.secret)) setDefault(v.secret, 'defaultMode', 420);
    }
  }
}

function defaultTemplate(template: Json | undefined, restartPolicy?: string): void {
  if (!isObject(template)) return;
  if (!isObject(template.metadata)) template.metadata = {};
  setDefault(template.metadata as JsonObject, 'creationTimestamp', null);
  defaultPodSpec(template.spec, restartPolicy);
}

/** The status a built-in kind always has (a struct, not a pointer, in its Go type), as a new object shows it. */
const EMPTY_STATUS: Readonly<Record<string, JsonObject>> = {
  Deployment: {},
  Job: {},
  Service: { loadBalancer: {} },
  PersistentVolumeClaim: { phase: 'Pending' },
};

/** Adds the defaults kube-apiserver adds. Mutates `obj`. `uid` is the object's uid (Job selectors use it). */
export function applyDefaults(rt: FakeResourceType, obj: JsonObject, ctx: { readonly allocateClusterIP: () => string; readonly uid: string }): void {
  if (!rt.builtIn && !rt.aggregated) return;
  const status = EMPTY_STATUS[rt.kind];
  if (status && rt.builtIn && obj.status === undefined) obj.status = clone(status);
  const spec = isObject(obj.spec) ? obj.spec : undefined;
  switch (rt.kind) {
    case 'Deployment':
      if (!spec) return;
      setDefault(spec, 'replicas', 1);
      setDefault(spec, 'revisionHistoryLimit', 10);
      setDefault(spec, 'progressDeadlineSeconds', 600);
      if (!isObject(spec.strategy)) spec.strategy = { type: 'RollingUpdate' };
      if ((spec.strategy as JsonObject).type === undefined) (spec.strategy as JsonObject).type = 'RollingUpdate';
      if ((spec.strategy as JsonObject).type === 'RollingUpdate') setDefault(spec.strategy as JsonObject, 'rollingUpdate', { maxSurge: '25%', maxUnavailable: '25%' });
      defaultTemplate(spec.template);
      return;
    case 'DeploymentConfig':
      if (spec) defaultDeploymentConfigSpec(spec);
      return;
    case 'StatefulSet':
    case 'ReplicaSet':
    case 'DaemonSet':
      if (!spec) return;
      if (rt.kind !== 'DaemonSet') setDefault(spec, 'replicas', 1);
      defaultTemplate(spec.template);
      return;
    case 'Job': {
      if (!spec) return;
      setDefault(spec, 'backoffLimit', 6);
      setDefault(spec, 'completions', 1);
      setDefault(spec, 'parallelism', 1);
      setDefault(spec, 'completionMode', 'NonIndexed');
      setDefault(spec, 'suspend', false);
      setDefault(spec, 'podReplacementPolicy', 'TerminatingOrFailed');
      const name = isObject(obj.metadata) ? String(obj.metadata.name) : '';
      if (spec.selector === undefined && spec.manualSelector !== true) {
        setDefault(spec, 'manualSelector', false);
        spec.selector = { matchLabels: { 'batch.kubernetes.io/controller-uid': ctx.uid } };
        const jobLabels = { 'batch.kubernetes.io/controller-uid': ctx.uid, 'batch.kubernetes.io/job-name': name, 'controller-uid': ctx.uid, 'job-name': name };
        if (isObject(spec.template)) {
          if (!isObject(spec.template.metadata)) spec.template.metadata = {};
          const meta = spec.template.metadata as JsonObject;
          meta.labels = { ...(isObject(meta.labels) ? meta.labels : {}), ...jobLabels };
          // A Job without labels of its own takes its pod template's.
          if (isObject(obj.metadata) && !isObject(obj.metadata.labels)) obj.metadata.labels = { ...(meta.labels as JsonObject) };
        }
      }
      defaultTemplate(spec.template, 'Never');
      return;
    }
    case 'Pod':
      defaultPodSpec(spec);
      return;
    case 'Service': {
      if (!spec) return;
      setDefault(spec, 'type', 'ClusterIP');
      setDefault(spec, 'sessionAffinity', 'None');
      if (spec.clusterIP === undefined || spec.clusterIP === '') spec.clusterIP = ctx.allocateClusterIP();
      setDefault(spec, 'clusterIPs', [spec.clusterIP as string]);
      setDefault(spec, 'ipFamilies', ['IPv4']);
      setDefault(spec, 'ipFamilyPolicy', 'SingleStack');
      setDefault(spec, 'internalTrafficPolicy', 'Cluster');
      if (Array.isArray(spec.ports)) {
        for (const p of spec.ports) {
          if (!isObject(p)) continue;
          setDefault(p, 'protocol', 'TCP');
          setDefault(p, 'targetPort', p.port ?? null);
        }
      }
      return;
    }
    case 'Secret':
      setDefault(obj, 'type', 'Opaque');
      if (isObject(obj.stringData)) {
        const data = isObject(obj.data) ? obj.data : {};
        for (const [k, v] of Object.entries(obj.stringData)) data[k] = Buffer.from(String(v ?? ''), 'utf8').toString('base64');
        obj.data = data;
        delete obj.stringData;
      }
      return;
    case 'PersistentVolumeClaim':
      if (spec) setDefault(spec, 'volumeMode', 'Filesystem');
      // The StorageObjectInUseProtection admission plugin; the fake deletes at once, as if the controller that
      // removes the finalizer (no pod uses the claim) had run.
      if (isObject(obj.metadata) && !Array.isArray(obj.metadata.finalizers)) obj.metadata.finalizers = ['kubernetes.io/pvc-protection'];
      return;
    default:
      return;
  }
}

/**
 * openshift-apiserver's defaults of apps.openshift.io/v1 DeploymentConfig (the OpenShift API reference):
 * Rolling strategy with its parameters, a 6 h rollout deadline, empty strategy resources, 10 old
 * ReplicationControllers kept, test off, a ConfigChange trigger when none is given, the selector taken
 * from the template labels when absent. `replicas` is a plain int32: absent means 0.
 */
function defaultDeploymentConfigSpec(spec: JsonObject): void {
  setDefault(spec, 'replicas', 0);
  setDefault(spec, 'revisionHistoryLimit', 10);
  setDefault(spec, 'test', false);
  if (spec.triggers === undefined) spec.triggers = [{ type: 'ConfigChange' }];
  if (!isObject(spec.strategy)) spec.strategy = {};
  const strategy = spec.strategy as JsonObject;
  setDefault(strategy, 'type', 'Rolling');
  setDefault(strategy, 'activeDeadlineSeconds', 21600);
  setDefault(strategy, 'resources', {});
  if (strategy.type === 'Rolling') {
    if (!isObject(strategy.rollingParams)) strategy.rollingParams = {};
    const rolling = strategy.rollingParams as JsonObject;
    setDefault(rolling, 'updatePeriodSeconds', 1);
    setDefault(rolling, 'intervalSeconds', 1);
    setDefault(rolling, 'timeoutSeconds', 600);
    setDefault(rolling, 'maxUnavailable', '25%');
    setDefault(rolling, 'maxSurge', '25%');
  }
  if (strategy.type === 'Recreate') {
    if (!isObject(strategy.recreateParams)) strategy.recreateParams = {};
    setDefault(strategy.recreateParams as JsonObject, 'timeoutSeconds', 600);
  }
  const template = isObject(spec.template) ? spec.template : undefined;
  if (spec.selector === undefined && template && isObject(template.metadata) && isObject(template.metadata.labels)) spec.selector = clone(template.metadata.labels);
  defaultTemplate(spec.template);
}

/** kube-apiserver's message for a name that is not a DNS subdomain (apimachinery validation). */
const RFC_1123_SUBDOMAIN =
  "a lowercase RFC 1123 subdomain must consist of lower case alphanumeric characters, '-' or '.', and must start and end with an alphanumeric character (e.g. 'example.com', regex used for validation is '[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*')";

const NAME = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$/;

/** Checks a new or updated object; `before` is the stored object for updates. */
export function validate(rt: FakeResourceType, obj: JsonObject, before: JsonObject | undefined): FieldViolation[] {
  const violations: FieldViolation[] = [];
  const meta = isObject(obj.metadata) ? obj.metadata : {};
  const name = typeof meta.name === 'string' ? meta.name : '';
  if (!name) violations.push({ field: 'metadata.name', reason: 'FieldValueRequired', message: 'Required value: name or generateName is required' });
  else if (!NAME.test(name) || name.length > 253) {
    violations.push({
      field: 'metadata.name',
      reason: 'FieldValueInvalid',
      message: `Invalid value: "${name}": ${RFC_1123_SUBDOMAIN}`,
    });
  }
  const spec = isObject(obj.spec) ? obj.spec : undefined;
  if (rt.kind === 'Deployment' && spec) {
    const selector = isObject(spec.selector) && isObject(spec.selector.matchLabels) ? spec.selector.matchLabels : undefined;
    const template = isObject(spec.template) && isObject(spec.template.metadata) && isObject(spec.template.metadata.labels) ? spec.template.metadata.labels : {};
    if (!selector) violations.push({ field: 'spec.selector', reason: 'FieldValueRequired', message: 'Required value' });
    else if (!Object.entries(selector).every(([k, v]) => template[k] === v)) {
      violations.push({ field: 'spec.template.metadata.labels', reason: 'FieldValueInvalid', message: 'Invalid value: map[string]string{...}: `selector` does not match template `labels`' });
    }
  }
  if (rt.kind === 'DeploymentConfig' && spec && isObject(spec.selector)) {
    // A DeploymentConfig's selector is a plain label map the template labels must carry.
    const template = isObject(spec.template) && isObject(spec.template.metadata) && isObject(spec.template.metadata.labels) ? spec.template.metadata.labels : undefined;
    if (template && !Object.entries(spec.selector).every(([k, v]) => template[k] === v)) {
      violations.push({ field: 'spec.template.metadata.labels', reason: 'FieldValueInvalid', message: 'Invalid value: map[string]string{...}: `selector` does not match template `labels`' });
    }
  }
  if (!before) return violations;

  const beforeSpec = isObject(before.spec) ? before.spec : {};
  const immutable = (field: string, goType: string): FieldViolation => ({
    field,
    reason: 'FieldValueInvalid',
    message: `Invalid value: ${goType}{...}: field is immutable`,
  });
  if (rt.kind === 'Deployment' && spec && !deepEqual(spec.selector, beforeSpec.selector)) violations.push(immutable('spec.selector', 'v1.LabelSelector'));
  if (rt.kind === 'Job' && spec) {
    if (!deepEqual(spec.selector, beforeSpec.selector)) violations.push(immutable('spec.selector', 'v1.LabelSelector'));
    if (!deepEqual(withoutGeneratedLabels(spec.template), withoutGeneratedLabels(beforeSpec.template))) violations.push(immutable('spec.template', 'core.PodTemplateSpec'));
  }
  if (rt.kind === 'Service' && spec && beforeSpec.clusterIP !== undefined && spec.clusterIP !== beforeSpec.clusterIP) {
    violations.push({ field: 'spec.clusterIP', reason: 'FieldValueInvalid', message: `Invalid value: "${String(spec.clusterIP)}": field is immutable` });
  }
  if ((rt.kind === 'ConfigMap' || rt.kind === 'Secret') && before.immutable === true) {
    if (!deepEqual(obj.data, before.data) || !deepEqual(obj.binaryData, before.binaryData)) {
      violations.push({ field: 'data', reason: 'FieldValueForbidden', message: 'Forbidden: field is immutable when `immutable` is set' });
    }
  }
  if (rt.kind === 'PersistentVolumeClaim' && spec) {
    const strip = (s: JsonObject): JsonObject => {
      const c = clone(s);
      if (isObject(c.resources)) delete c.resources.requests;
      delete c.volumeName;
      return c;
    };
    if (!deepEqual(strip(spec), strip(beforeSpec))) {
      violations.push({ field: 'spec', reason: 'FieldValueForbidden', message: 'Forbidden: spec is immutable after creation except resources.requests for bound claims' });
    }
  }
  return violations;
}

function withoutGeneratedLabels(template: Json | undefined): Json | undefined {
  if (!isObject(template)) return template;
  const t = clone(template);
  if (isObject(t.metadata) && isObject(t.metadata.labels)) {
    for (const k of ['batch.kubernetes.io/controller-uid', 'batch.kubernetes.io/job-name', 'controller-uid', 'job-name']) delete t.metadata.labels[k];
  }
  return t;
}

/** Kinds whose metadata.generation the server maintains. */
export function hasGeneration(rt: FakeResourceType): boolean {
  return !rt.builtIn || rt.group === 'apps' || rt.group === 'batch';
}
