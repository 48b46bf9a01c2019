/**
 * The defaults the API server writes into built-in kinds (rule N18), for the offline mode: without a
 * server-side-apply dry-run the desired object lacks them while the exported live object has them, so
 * they are filled into the desired side, and then a live value that differs from the default is drift.
 *
 * Only long-stable defaults are listed (present since Kubernetes 1.2x on every OpenShift 4 release).
 * Defaults are filled into *complete* objects only: a partial object that carries just the fields we own
 * (server-side apply of `spec.replicas` on an operator-managed Deployment) gets none, because its absent
 * fields are "not ours", not "default". A kind counts as complete when the fields the API requires for it
 * are there (a Deployment with `selector` and `template`, a pod spec whose containers all name an image, a Service with
 * `ports`, a PVC with `accessModes`, a Secret with `data` or `stringData`).
 *
 * Deliberately not defaulted: `replicas` (an omitted replica count means someone else owns it), pod
 * `securityContext: {}` (an empty bag, dropped by N6), `protocol: TCP` (N11 applies it to both sides),
 * Service `clusterIP`/`ipFamilies`/`ipFamilyPolicy` (allocated, dropped by N14).
 */
import { KEYS } from '../contract/on-cluster.js';
import { builtInKind } from './field-types.js';
import {
  childArray,
  childObject,
  cloneJson,
  isJsonObject,
  objectAt,
  setDefault,
  type JsonObject,
  type KubeObject,
} from './json.js';

const PARTIAL = KEYS.partial;

/** Kinds whose `spec.template` is a pod template and whose own defaults are listed here. */
const WORKLOAD_KINDS: ReadonlySet<string> = new Set([
  'Deployment',
  'StatefulSet',
  'DaemonSet',
  'ReplicaSet',
  'DeploymentConfig',
]);

/** `defaultMode` the API writes on projected file volumes (0644). */
export const DEFAULT_VOLUME_MODE = 420;

/** Returns a copy of `obj` with the API server defaults of its kind filled in where absent. */
export function withOfflineDefaults(obj: KubeObject): KubeObject {
  const copy = cloneJson(obj);
  fillOfflineDefaults(copy);
  return copy;
}

/**
 * Fills the API server defaults of `obj`'s kind into `obj` itself, where absent; custom resources (and
 * kinds of other API groups that share a built-in name) are left alone. Meant for a private copy
 * (normalize calls it on its own clone); existing values are never overwritten, so it is idempotent.
 */
export function fillOfflineDefaults(obj: KubeObject): void {
  // A rendered partial object (a replica overlay also carries its Deployment's selector, for Flux) gets none.
  if (objectAt(obj, 'metadata', 'annotations')?.[PARTIAL] === 'true') {
    return;
  }
  const kind = builtInKind(obj) ?? '';
  const spec = childObject(obj, 'spec');
  switch (kind) {
    case 'Pod':
      if (spec !== undefined) {
        fillPodSpec(spec, { job: false });
      }
      break;
    case 'Job':
      if (spec !== undefined && isJsonObject(spec['template'])) {
        fillJobSpec(spec);
      }
      break;
    case 'CronJob':
      if (spec !== undefined && isJsonObject(spec['jobTemplate'])) {
        setDefault(spec, 'concurrencyPolicy', 'Allow');
        setDefault(spec, 'suspend', false);
        setDefault(spec, 'successfulJobsHistoryLimit', 3);
        setDefault(spec, 'failedJobsHistoryLimit', 1);
        fillPodTemplate(objectAt(spec, 'jobTemplate', 'spec', 'template'), { job: true });
      }
      break;
    case 'Service':
      if (spec !== undefined) {
        fillServiceSpec(spec);
      }
      break;
    case 'PersistentVolumeClaim':
      if (spec !== undefined) {
        fillClaimSpec(spec);
      }
      break;
    case 'Secret':
      if (isJsonObject(obj['data']) || isJsonObject(obj['stringData'])) {
        setDefault(obj, 'type', 'Opaque');
      }
      break;
    default:
      if (WORKLOAD_KINDS.has(kind) && spec !== undefined && isJsonObject(spec['template'])) {
        fillWorkloadSpec(kind, spec);
      }
  }
}

/**
 * The default `imagePullPolicy` for an image reference: `Always` when the tag is `latest` or there is no
 * tag and no digest, otherwise `IfNotPresent`.
 */
export function defaultImagePullPolicy(image: string): 'Always' | 'IfNotPresent' {
  if (image.includes('@')) {
    return 'IfNotPresent';
  }
  const lastComponent = image.slice(image.lastIndexOf('/') + 1);
  const colon = lastComponent.lastIndexOf(':');
  if (colon < 0) {
    return 'Always';
  }
  return lastComponent.slice(colon + 1) === 'latest' ? 'Always' : 'IfNotPresent';
}

function fillWorkloadSpec(kind: string, spec: JsonObject): void {
  // Only a whole workload gets the server's defaults: a partial one (a replica overlay, the fragment a JSON
  // patch check expects) would otherwise grow defaults that hide or contradict what is live.
  const complete = isJsonObject(spec['selector']);
  if (complete) {
    switch (kind) {
      case 'Deployment':
        setDefault(spec, 'progressDeadlineSeconds', 600);
        setDefault(spec, 'revisionHistoryLimit', 10);
        fillDeploymentStrategy(spec);
        break;
      case 'StatefulSet':
        setDefault(spec, 'podManagementPolicy', 'OrderedReady');
        setDefault(spec, 'revisionHistoryLimit', 10);
        if (!setDefault(spec, 'updateStrategy', { type: 'RollingUpdate', rollingUpdate: { partition: 0 } })) {
          const strategy = childObject(spec, 'updateStrategy');
          if (strategy?.['type'] === 'RollingUpdate') {
            setDefault(strategy, 'rollingUpdate', { partition: 0 });
          }
        }
        for (const template of childArray(spec, 'volumeClaimTemplates') ?? []) {
          const claimSpec = isJsonObject(template) ? childObject(template, 'spec') : undefined;
          if (claimSpec !== undefined) {
            fillClaimSpec(claimSpec);
          }
        }
        break;
      case 'DeploymentConfig':
        fillDeploymentConfigSpec(spec);
        break;
      case 'DaemonSet':
        setDefault(spec, 'revisionHistoryLimit', 10);
        setDefault(spec, 'updateStrategy', { type: 'RollingUpdate', rollingUpdate: { maxSurge: 0, maxUnavailable: 1 } });
        break;
      default:
        break;
    }
  }
  fillPodTemplate(childObject(spec, 'template'), { job: false });
}

/** Deployment strategy: RollingUpdate 25%/25% when absent; missing rolling-update bounds filled. */
function fillDeploymentStrategy(spec: JsonObject): void {
  if (setDefault(spec, 'strategy', { type: 'RollingUpdate', rollingUpdate: { maxSurge: '25%', maxUnavailable: '25%' } })) {
    return;
  }
  const strategy = childObject(spec, 'strategy');
  if (strategy === undefined) {
    return;
  }
  setDefault(strategy, 'type', 'RollingUpdate');
  if (strategy['type'] === 'RollingUpdate') {
    setDefault(strategy, 'rollingUpdate', {});
    const rolling = childObject(strategy, 'rollingUpdate');
    if (rolling !== undefined) {
      setDefault(rolling, 'maxSurge', '25%');
      setDefault(rolling, 'maxUnavailable', '25%');
    }
  }
}

/**
 * DeploymentConfig (apps.openshift.io/v1, served by openshift-apiserver): a Rolling strategy with its
 * parameters, a 6 h rollout deadline, 10 old ReplicationControllers, test off and a ConfigChange trigger
 * when the list is absent. Its plain-map `selector` is taken from the template labels when absent.
 */
function fillDeploymentConfigSpec(spec: JsonObject): void {
  setDefault(spec, 'revisionHistoryLimit', 10);
  setDefault(spec, 'test', false);
  setDefault(spec, 'triggers', [{ type: 'ConfigChange' }]);
  const labels = objectAt(spec, 'template', 'metadata', 'labels');
  if (labels !== undefined) {
    setDefault(spec, 'selector', cloneJson(labels));
  }
  setDefault(spec, 'strategy', {});
  const strategy = childObject(spec, 'strategy');
  if (strategy === undefined) {
    return;
  }
  setDefault(strategy, 'type', 'Rolling');
  setDefault(strategy, 'activeDeadlineSeconds', 21600);
  const params = strategy['type'] === 'Rolling' ? 'rollingParams' : strategy['type'] === 'Recreate' ? 'recreateParams' : undefined;
  if (params === undefined) {
    return;
  }
  setDefault(strategy, params, {});
  const values = childObject(strategy, params);
  if (values === undefined) {
    return;
  }
  setDefault(values, 'timeoutSeconds', 600);
  if (params === 'rollingParams') {
    setDefault(values, 'updatePeriodSeconds', 1);
    setDefault(values, 'intervalSeconds', 1);
    setDefault(values, 'maxUnavailable', '25%');
    setDefault(values, 'maxSurge', '25%');
  }
}

function fillJobSpec(spec: JsonObject): void {
  setDefault(spec, 'backoffLimit', 6);
  if (spec['parallelism'] === undefined && spec['completions'] === undefined) {
    spec['completions'] = 1;
  }
  setDefault(spec, 'parallelism', 1);
  setDefault(spec, 'completionMode', 'NonIndexed');
  setDefault(spec, 'suspend', false);
  fillPodTemplate(childObject(spec, 'template'), { job: true });
}

function fillServiceSpec(spec: JsonObject): void {
  const ports = childArray(spec, 'ports');
  if (ports === undefined && spec['type'] !== 'ExternalName') {
    return;
  }
  setDefault(spec, 'type', 'ClusterIP');
  if (spec['type'] !== 'ExternalName') {
    setDefault(spec, 'sessionAffinity', 'None');
    setDefault(spec, 'internalTrafficPolicy', 'Cluster');
  }
  for (const port of ports ?? []) {
    if (isJsonObject(port) && port['port'] !== undefined) {
      setDefault(port, 'targetPort', port['port']);
    }
  }
}

function fillClaimSpec(spec: JsonObject): void {
  if (Array.isArray(spec['accessModes'])) {
    setDefault(spec, 'volumeMode', 'Filesystem');
  }
}

function fillPodTemplate(template: JsonObject | undefined, options: { job: boolean }): void {
  const podSpec = childObject(template, 'spec');
  if (podSpec !== undefined) {
    fillPodSpec(podSpec, options);
  }
}

/** Pod spec defaults; Job pods must state their restart policy themselves, so it is not defaulted there. */
function fillPodSpec(spec: JsonObject, options: { job: boolean }): void {
  // A pod spec is complete when every container names its image; a partial one only patches some fields.
  const containers = childArray(spec, 'containers');
  const hasImage = (container: unknown): boolean => isJsonObject(container) && typeof container['image'] === 'string';
  if (containers === undefined || containers.length === 0 || !containers.every(hasImage)) {
    return;
  }
  setDefault(spec, 'dnsPolicy', 'ClusterFirst');
  setDefault(spec, 'schedulerName', 'default-scheduler');
  setDefault(spec, 'terminationGracePeriodSeconds', 30);
  if (!options.job) {
    setDefault(spec, 'restartPolicy', 'Always');
  }
  for (const listName of ['containers', 'initContainers']) {
    for (const container of childArray(spec, listName) ?? []) {
      if (isJsonObject(container)) {
        fillContainer(container);
      }
    }
  }
  for (const volume of childArray(spec, 'volumes') ?? []) {
    if (isJsonObject(volume)) {
      fillVolume(volume);
    }
  }
}

function fillContainer(container: JsonObject): void {
  setDefault(container, 'terminationMessagePath', '/dev/termination-log');
  setDefault(container, 'terminationMessagePolicy', 'File');
  if (typeof container['image'] === 'string') {
    setDefault(container, 'imagePullPolicy', defaultImagePullPolicy(container['image']));
  }
  for (const probeName of ['livenessProbe', 'readinessProbe', 'startupProbe']) {
    const probe = childObject(container, probeName);
    if (probe !== undefined) {
      setDefault(probe, 'timeoutSeconds', 1);
      setDefault(probe, 'periodSeconds', 10);
      setDefault(probe, 'successThreshold', 1);
      setDefault(probe, 'failureThreshold', 3);
      const httpGet = childObject(probe, 'httpGet');
      if (httpGet !== undefined) {
        setDefault(httpGet, 'scheme', 'HTTP');
      }
    }
  }
  for (const env of childArray(container, 'env') ?? []) {
    const fieldRef = isJsonObject(env) ? objectAt(env, 'valueFrom', 'fieldRef') : undefined;
    if (fieldRef !== undefined) {
      setDefault(fieldRef, 'apiVersion', 'v1');
    }
  }
}

function fillVolume(volume: JsonObject): void {
  for (const source of ['configMap', 'secret', 'projected', 'downwardAPI']) {
    const sourceSpec = childObject(volume, source);
    if (sourceSpec !== undefined) {
      setDefault(sourceSpec, 'defaultMode', DEFAULT_VOLUME_MODE);
    }
  }
  for (const item of childArray(childObject(volume, 'downwardAPI'), 'items') ?? []) {
    const fieldRef = isJsonObject(item) ? childObject(item, 'fieldRef') : undefined;
    if (fieldRef !== undefined) {
      setDefault(fieldRef, 'apiVersion', 'v1');
    }
  }
}
