import { CONNECTION_SECRETS } from '../../contract/on-cluster.js';
import { UserError } from '../../errors.js';
import type { ContainerRecord, DeploymentConfigRecord, ImageStreamRecord, TemplateUpgradePlan } from './template-upgrade-plan-schema.js';
import { type JsonPatchOperation, type JsonPatchStep, stepFileName } from '../../patches/json-patch-steps.js';

/**
 * The guarded RFC 6902 patch steps of the template-era 2.5 to 2.6 upgrade, built from what the plan
 * records as present on the DeploymentConfigs, ImageStreams and the `system-redis` Secret. Where the seed
 * pastes a fixed patch file, these steps add only what is absent and test every position they rely on, so
 * an existing variable is never duplicated or lost and a changed object is refused.
 */

const DC = { apiVersion: 'apps.openshift.io/v1', kind: 'DeploymentConfig', resource: 'deploymentconfig.apps.openshift.io' } as const;
const IS = { apiVersion: 'image.openshift.io/v1', kind: 'ImageStream', resource: 'imagestream.image.openshift.io' } as const;
const SECRET = { apiVersion: 'v1', kind: 'Secret', resource: 'secret' } as const;

/** The ServiceAccount every DeploymentConfig moves to (seed 2.2). */
export const AMP_SERVICE_ACCOUNT = 'amp';

const fromSecret = (secret: string, key: string) => ({ secretKeyRef: { name: secret, key } });

/** Variables 2.6 reads from `system-redis` (Redis Enterprise and Sentinel support, seed 2.4 and 2.5). */
const SYSTEM_REDIS_ENV: readonly [string, object][] = [
  ['REDIS_NAMESPACE', fromSecret('system-redis', 'NAMESPACE')],
  ['MESSAGE_BUS_REDIS_NAMESPACE', fromSecret('system-redis', 'MESSAGE_BUS_NAMESPACE')],
  ['MESSAGE_BUS_REDIS_URL', fromSecret('system-redis', 'MESSAGE_BUS_URL')],
  ['MESSAGE_BUS_REDIS_SENTINEL_HOSTS', fromSecret('system-redis', 'MESSAGE_BUS_SENTINEL_HOSTS')],
  ['MESSAGE_BUS_REDIS_SENTINEL_ROLE', fromSecret('system-redis', 'MESSAGE_BUS_SENTINEL_ROLE')],
  ['REDIS_SENTINEL_HOSTS', fromSecret('system-redis', 'SENTINEL_HOSTS')],
  ['REDIS_SENTINEL_ROLE', fromSecret('system-redis', 'SENTINEL_ROLE')],
];
const BACKEND_SENTINEL_ENV: readonly [string, object][] = [
  ['BACKEND_REDIS_SENTINEL_HOSTS', fromSecret('backend-redis', 'REDIS_STORAGE_SENTINEL_HOSTS')],
  ['BACKEND_REDIS_SENTINEL_ROLE', fromSecret('backend-redis', 'REDIS_STORAGE_SENTINEL_ROLE')],
];
/** The backend-worker and backend-cron init container fix (seed 2.6). */
const BACKEND_INIT_ENV: readonly [string, object][] = [
  ['CONFIG_REDIS_PROXY', fromSecret(CONNECTION_SECRETS.backendRedis.name, CONNECTION_SECRETS.backendRedis.storageUrl)],
  ['CONFIG_REDIS_SENTINEL_HOSTS', fromSecret('backend-redis', 'REDIS_STORAGE_SENTINEL_HOSTS')],
  ['CONFIG_REDIS_SENTINEL_ROLE', fromSecret('backend-redis', 'REDIS_STORAGE_SENTINEL_ROLE')],
  ['CONFIG_QUEUES_SENTINEL_HOSTS', fromSecret('backend-redis', 'REDIS_QUEUES_SENTINEL_HOSTS')],
  ['CONFIG_QUEUES_SENTINEL_ROLE', fromSecret('backend-redis', 'REDIS_QUEUES_SENTINEL_ROLE')],
  ['RACK_ENV', { configMapKeyRef: { name: 'backend-environment', key: 'RACK_ENV' } }],
];

/** Keys 2.6 expects in Secret system-redis, added empty where absent (seed 2.4). */
export const SYSTEM_REDIS_SECRET_KEYS = ['MESSAGE_BUS_NAMESPACE', 'MESSAGE_BUS_URL', 'NAMESPACE', 'MESSAGE_BUS_SENTINEL_HOSTS', 'MESSAGE_BUS_SENTINEL_ROLE', 'SENTINEL_HOSTS', 'SENTINEL_ROLE'] as const;

/** Database DeploymentConfigs and the ImageStream each moves to (seed 2.7). */
export const DATABASE_IMAGE_STREAMS: readonly { readonly deploymentConfig: string; readonly imageStream: string }[] = [
  { deploymentConfig: 'backend-redis', imageStream: 'backend-redis' },
  { deploymentConfig: 'system-redis', imageStream: 'system-redis' },
  { deploymentConfig: 'system-memcache', imageStream: 'system-memcached' },
  { deploymentConfig: 'system-mysql', imageStream: 'system-mysql' },
  { deploymentConfig: 'zync-database', imageStream: 'zync-database-postgresql' },
];

/** The product ImageStreams that get the 2.6 tag (seed 2.8), with their display names and image. */
export const PRODUCT_IMAGE_STREAMS = [
  { name: 'amp-system', display: 'AMP system', image: 'system' },
  { name: 'amp-apicast', display: 'AMP APIcast', image: 'apicast' },
  { name: 'amp-backend', display: 'AMP Backend', image: 'backend' },
  { name: 'amp-zync', display: 'AMP Zync', image: 'zync' },
] as const;

function dcRecord(plan: TemplateUpgradePlan, name: string): DeploymentConfigRecord | undefined {
  return plan.spec.deploymentConfigs.find((d) => d.name === name);
}

class StepList {
  public readonly steps: JsonPatchStep[] = [];
  public push(target: { apiVersion: string; kind: string; resource: string }, name: string, what: string, rest: Omit<JsonPatchStep, 'apiVersion' | 'kind' | 'resource' | 'name' | 'file'>): void {
    this.steps.push({ ...target, name, file: stepFileName(this.steps.length, target.resource, name, what), ...rest });
  }
}

/** Seed 2.2: every DeploymentConfig runs as `amp` (its pull Secret reaches registry.redhat.io). */
export function serviceAccountSteps(plan: TemplateUpgradePlan): JsonPatchStep[] {
  const list = new StepList();
  const path = '/spec/template/spec/serviceAccountName';
  for (const dc of plan.spec.deploymentConfigs) {
    if (dc.serviceAccountName === AMP_SERVICE_ACCOUNT) continue;
    const operations: JsonPatchOperation[] =
      dc.serviceAccountName === undefined
        ? [{ op: 'test', path: '/metadata/name', value: dc.name }, { op: 'add', path, value: AMP_SERVICE_ACCOUNT }]
        : [{ op: 'test', path, value: dc.serviceAccountName }, { op: 'replace', path, value: AMP_SERVICE_ACCOUNT }];
    list.push(DC, dc.name, 'service-account', {
      operations,
      probe: 'jsonpath={.spec.template.spec.serviceAccountName}',
      before: dc.serviceAccountName ?? '',
      done: AMP_SERVICE_ACCOUNT,
      check: { fragment: { spec: { template: { spec: { serviceAccountName: AMP_SERVICE_ACCOUNT } } } } },
    });
  }
  return list.steps;
}

/** Seed 2.4: the keys of Secret system-redis 2.6 reads, added empty where absent (a present key keeps its value). */
export function systemRedisSecretSteps(plan: TemplateUpgradePlan): JsonPatchStep[] {
  const list = new StepList();
  const present = new Set(plan.spec.systemRedisSecretKeys);
  for (const key of SYSTEM_REDIS_SECRET_KEYS) {
    if (present.has(key)) continue;
    list.push(SECRET, 'system-redis', `key-${key}`, {
      operations: [{ op: 'test', path: '/metadata/name', value: 'system-redis' }, { op: 'add', path: `/data/${key}`, value: '' }],
      // Lists the key when present, whatever its value: only names ever reach the output.
      probe: `go-template={{range $k, $v := .data}}{{if eq $k "${key}"}}{{$k}}{{end}}{{end}}`,
      before: '',
      done: key,
      check: { fragment: { data: { [key]: '' } } },
    });
  }
  return list.steps;
}

/** Where one container-like environment list lives in a DeploymentConfig. */
interface EnvTarget {
  readonly label: string;
  /** JSON pointer of the container (or of the hook's execNewPod). */
  readonly pointer: string;
  /** kubectl jsonpath of the same. */
  readonly jsonpath: string;
  /** The container name to test, when it is a container. */
  readonly container?: string;
  readonly env: readonly string[];
  /** The fragment that places env entries there (for diff). */
  fragment(env: object[]): Record<string, unknown>;
}

function containerTarget(dc: DeploymentConfigRecord, list: 'containers' | 'initContainers', index: number, c: ContainerRecord): EnvTarget {
  return {
    label: `${list === 'containers' ? 'container' : 'init-container'}-${c.name}`,
    pointer: `/spec/template/spec/${list}/${index}`,
    jsonpath: `.spec.template.spec.${list}[?(@.name=="${c.name}")]`,
    container: c.name,
    env: c.env,
    fragment: (env) => ({ spec: { template: { spec: { [list]: [{ name: c.name, env }] } } } }),
  };
}

function envStep(list: StepList, dc: DeploymentConfigRecord, target: EnvTarget, wanted: readonly [string, object][]): void {
  const existing = target.env;
  const toAdd = wanted.filter(([name]) => !existing.includes(name));
  if (!toAdd.length) return;
  const operations: JsonPatchOperation[] = [];
  if (target.container) operations.push({ op: 'test', path: `${target.pointer}/name`, value: target.container });
  else operations.push({ op: 'test', path: '/metadata/name', value: dc.name });
  existing.forEach((name, i) => operations.push({ op: 'test', path: `${target.pointer}/env/${i}/name`, value: name }));
  const entries = toAdd.map(([name, valueFrom]) => ({ name, valueFrom }));
  if (existing.length === 0) operations.push({ op: 'add', path: `${target.pointer}/env`, value: entries });
  else for (const e of entries) operations.push({ op: 'add', path: `${target.pointer}/env/-`, value: e });
  const names = (l: readonly string[]) => l.map((n) => `${n},`).join('');
  list.push(DC, dc.name, `env-${target.label}`, {
    operations,
    probe: `jsonpath={range ${target.jsonpath}.env[*]}{.name},{end}`,
    before: names(existing),
    done: names([...existing, ...toAdd.map(([n]) => n)]),
    check: { fragment: target.fragment(entries) },
  });
}

function requireDc(plan: TemplateUpgradePlan, name: string): DeploymentConfigRecord {
  const dc = dcRecord(plan, name);
  if (!dc) throw new UserError(`spec.deploymentConfigs: DeploymentConfig ${name} is not recorded; expected every DeploymentConfig of the 2.5 template.`);
  return dc;
}

function firstInit(plan: TemplateUpgradePlan, dc: DeploymentConfigRecord): [number, ContainerRecord] {
  const c = dc.initContainers[0];
  if (!c) {
    const i = plan.spec.deploymentConfigs.indexOf(dc);
    throw new UserError(`spec.deploymentConfigs[${i}].initContainers: ${dc.name} has no init container recorded; expected the init container of the 2.5 template (discover records it).`);
  }
  return [0, c];
}

/** Seed 2.5 and 2.6: the new variables of system-app (pre-hook pod too), system-sidekiq (init container too), system-sphinx, backend-worker and backend-cron. */
export function redisEnvSteps(plan: TemplateUpgradePlan): JsonPatchStep[] {
  const list = new StepList();
  const app = requireDc(plan, 'system-app');
  envStep(
    list,
    app,
    {
      label: 'pre-hook',
      pointer: '/spec/strategy/rollingParams/pre/execNewPod',
      jsonpath: '.spec.strategy.rollingParams.pre.execNewPod',
      env: app.preHookEnv ?? [],
      fragment: (env) => ({ spec: { strategy: { rollingParams: { pre: { execNewPod: { env } } } } } }),
    },
    [...SYSTEM_REDIS_ENV, ...BACKEND_SENTINEL_ENV],
  );
  app.containers.forEach((c, i) => envStep(list, app, containerTarget(app, 'containers', i, c), [...SYSTEM_REDIS_ENV, ...BACKEND_SENTINEL_ENV]));
  const sidekiq = requireDc(plan, 'system-sidekiq');
  sidekiq.containers.forEach((c, i) => envStep(list, sidekiq, containerTarget(sidekiq, 'containers', i, c), [...SYSTEM_REDIS_ENV, ...BACKEND_SENTINEL_ENV]));
  const [si, sc] = firstInit(plan, sidekiq);
  envStep(list, sidekiq, containerTarget(sidekiq, 'initContainers', si, sc), SYSTEM_REDIS_ENV);
  const sphinx = requireDc(plan, 'system-sphinx');
  sphinx.containers.forEach((c, i) => envStep(list, sphinx, containerTarget(sphinx, 'containers', i, c), [...SYSTEM_REDIS_ENV, ['REDIS_URL', fromSecret('system-redis', 'URL')]]));
  for (const name of ['backend-worker', 'backend-cron']) {
    const dc = requireDc(plan, name);
    const [i, c] = firstInit(plan, dc);
    envStep(list, dc, containerTarget(dc, 'initContainers', i, c), BACKEND_INIT_ENV);
  }
  return list.steps;
}

/**
 * Seed 2.7: each database DeploymentConfig follows its new ImageStream. One that has no ImageChange trigger
 * gets one; one that already follows a stream (zync-database on the 2.5 `postgresql` stream) has that
 * trigger's `from` replaced, not a second trigger appended: two ImageChange triggers on one container
 * would fight over its image.
 */
export function databaseTriggerSteps(plan: TemplateUpgradePlan): JsonPatchStep[] {
  const list = new StepList();
  const show = (t: { type: string; from?: string }) => `${t.type}:${t.from ?? ''},`;
  for (const { deploymentConfig, imageStream } of DATABASE_IMAGE_STREAMS) {
    const dc = dcRecord(plan, deploymentConfig);
    if (!dc) continue;
    const from = `${imageStream}:latest`;
    if (dc.triggers.some((t) => t.type === 'ImageChange' && t.from === from)) continue;
    const container = dc.containers[0]!.name;
    const operations: JsonPatchOperation[] = [{ op: 'test', path: '/spec/template/spec/containers/0/name', value: container }];
    dc.triggers.forEach((t, i) => operations.push({ op: 'test', path: `/spec/triggers/${i}/type`, value: t.type }));
    const existing = dc.triggers.findIndex((t) => t.type === 'ImageChange');
    const target = { kind: 'ImageStreamTag', name: from };
    if (existing >= 0) {
      const base = `/spec/triggers/${existing}/imageChangeParams`;
      operations.push({ op: 'test', path: `${base}/from/name`, value: dc.triggers[existing]!.from });
      operations.push({ op: 'replace', path: `${base}/from`, value: target });
    } else {
      const trigger = { type: 'ImageChange', imageChangeParams: { automatic: true, containerNames: [container], from: target } };
      operations.push(dc.triggers.length ? { op: 'add', path: '/spec/triggers/-', value: trigger } : { op: 'add', path: '/spec/triggers', value: [trigger] });
    }
    const after = existing >= 0 ? dc.triggers.map((t, i) => (i === existing ? { type: t.type, from } : t)) : [...dc.triggers, { type: 'ImageChange', from }];
    // Triggers form an atomic list (no merge key), compared position by position: the check holds all of them.
    const check = { spec: { triggers: after.map((t) => (t.type === 'ImageChange' ? { type: t.type, imageChangeParams: { from: { kind: 'ImageStreamTag', name: t.from } } } : { type: t.type })) } };
    list.push(DC, dc.name, 'image-trigger', {
      operations,
      probe: 'jsonpath={range .spec.triggers[*]}{.type}:{.imageChangeParams.from.name},{end}',
      before: dc.triggers.map(show).join(''),
      done: after.map(show).join(''),
      check: { fragment: check },
    });
  }
  return list.steps;
}

/** Seed 2.8: the 2.6 tag on the four product ImageStreams, `latest` moved to it, and AMP_RELEASE of system-app. */
export function imageSteps(plan: TemplateUpgradePlan): JsonPatchStep[] {
  const list = new StepList();
  const release = plan.spec.targetRelease;
  for (const p of PRODUCT_IMAGE_STREAMS) {
    const stream = plan.spec.imageStreams.find((s) => s.name === p.name);
    if (!stream) continue;
    tagStep(list, plan, stream, p.display, plan.spec.images[p.image], release);
  }
  const app = dcRecord(plan, 'system-app');
  if (app?.ampRelease !== undefined && app.ampRelease !== release) {
    app.containers.forEach((c, i) => {
      const at = c.env.indexOf('AMP_RELEASE');
      if (at < 0) return;
      const base = `/spec/template/spec/containers/${i}/env/${at}`;
      list.push(DC, app.name, `release-${c.name}`, {
        operations: [
          { op: 'test', path: `${base}/name`, value: 'AMP_RELEASE' },
          { op: 'test', path: `${base}/value`, value: app.ampRelease },
          { op: 'replace', path: `${base}/value`, value: release },
        ],
        probe: `jsonpath={.spec.template.spec.containers[?(@.name=="${c.name}")].env[?(@.name=="AMP_RELEASE")].value}`,
        before: app.ampRelease!,
        done: release,
        check: { fragment: { spec: { template: { spec: { containers: [{ name: c.name, env: [{ name: 'AMP_RELEASE', value: release }] }] } } } } },
      });
    });
  }
  return list.steps;
}

function tagStep(list: StepList, plan: TemplateUpgradePlan, stream: ImageStreamRecord, display: string, image: string, release: string): void {
  const tags = stream.tags;
  const operations: JsonPatchOperation[] = [];
  tags.forEach((t, i) => operations.push({ op: 'test', path: `/spec/tags/${i}/name`, value: t.name }));
  const after = tags.map((t) => ({ ...t }));
  const fragmentTags: object[] = [];
  const importPolicy = { insecure: plan.spec.threescale.importInsecure };
  if (!tags.some((t) => t.name === release)) {
    const tag = { annotations: { 'openshift.io/display-name': `${display} ${release}` }, from: { kind: 'DockerImage', name: image }, importPolicy, name: release, referencePolicy: { type: 'Source' } };
    operations.push({ op: 'add', path: '/spec/tags/-', value: tag });
    after.push({ name: release, fromKind: 'DockerImage', fromName: image });
    fragmentTags.push(tag);
  }
  const latest = tags.findIndex((t) => t.name === 'latest');
  if (latest < 0) {
    const tag = { annotations: { 'openshift.io/display-name': `${display} (latest)` }, from: { kind: 'ImageStreamTag', name: release }, importPolicy, name: 'latest', referencePolicy: { type: 'Source' } };
    operations.push({ op: 'add', path: '/spec/tags/-', value: tag });
    after.push({ name: 'latest', fromKind: 'ImageStreamTag', fromName: release });
    fragmentTags.push(tag);
  } else if (tags[latest]!.fromName !== release || tags[latest]!.fromKind !== 'ImageStreamTag') {
    // The seed appends a second `latest`; the stream already has one, so it is moved to the new tag instead.
    operations.push({ op: 'test', path: `/spec/tags/${latest}/from/name`, value: tags[latest]!.fromName });
    operations.push({ op: 'replace', path: `/spec/tags/${latest}/from`, value: { kind: 'ImageStreamTag', name: release } });
    after[latest] = { name: 'latest', fromKind: 'ImageStreamTag', fromName: release };
    fragmentTags.push({ name: 'latest', from: { kind: 'ImageStreamTag', name: release } });
  }
  if (!fragmentTags.length) return;
  const show = (l: readonly { name: string; fromName: string }[]) => l.map((t) => `${t.name}=${t.fromName},`).join('');
  list.push(IS, stream.name, `tag-${release}`, {
    operations,
    probe: 'jsonpath={range .spec.tags[*]}{.name}={.from.name},{end}',
    before: show(tags),
    done: show(after),
    // ImageStream tags form an atomic list for the comparison, position by position: the check holds all of them.
    check: { fragment: { spec: { tags: after.map((t) => ({ name: t.name, from: { kind: t.fromKind, name: t.fromName } })) } } },
  });
}
