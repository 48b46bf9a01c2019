import { type Health, type HealthInput, healthy, type KindHealth, progressing, specOf, statusOf, conditionsOf, degraded } from './health.js';

interface TagStatus {
  readonly tag?: unknown;
  readonly items?: unknown;
  readonly conditions?: unknown;
}

/** The tag names the spec asks for (the desired object's when there is one). */
function specTags(input: HealthInput): string[] {
  const tags = specOf(input.desired ?? input.live).tags;
  if (!Array.isArray(tags)) return [];
  return tags.map((t) => (t as { name?: unknown } | null)?.name).filter((n): n is string => typeof n === 'string');
}

/** Why an import of the tag failed, from its `ImportSuccess` False condition. */
function importFailure(tag: TagStatus): string | undefined {
  const failed = conditionsOf({ apiVersion: 'v1', kind: 'Tag', metadata: { name: '' }, status: { conditions: tag.conditions } }).find((c) => c.type === 'ImportSuccess' && c.status === 'False');
  return failed ? failed.message ?? failed.reason ?? 'ImportSuccess is False' : undefined;
}

/** ImageStream: every tag its spec names resolved to an image (a `status.tags` entry with items); a failed import is degraded. */
function imageStreamHealth(input: HealthInput): Health {
  const tags = specTags(input);
  if (tags.length === 0) return healthy('no tags to resolve');
  const raw = statusOf(input.live).tags;
  const status = new Map((Array.isArray(raw) ? (raw as TagStatus[]) : []).filter((t) => typeof t?.tag === 'string').map((t) => [t.tag as string, t]));
  for (const name of tags) {
    const failure = status.has(name) ? importFailure(status.get(name)!) : undefined;
    if (failure) return degraded(`the import of tag ${name} failed: ${failure}`);
  }
  const unresolved = tags.filter((name) => { const items = status.get(name)?.items; return !Array.isArray(items) || items.length === 0; });
  if (unresolved.length) return progressing(`waits for tag${unresolved.length > 1 ? 's' : ''} ${unresolved.join(', ')} to resolve to an image`);
  return healthy(`${tags.length} tag${tags.length > 1 ? 's' : ''} resolved`);
}

export const IMAGE_STREAM_HEALTH: KindHealth = {
  group: 'image.openshift.io',
  kind: 'ImageStream',
  healthyWhen: 'every tag of its spec has a status.tags entry with at least one image; an ImportSuccess False condition on a tag is degraded',
  reference: 'OpenShift ImageStream status (status.tags[].items, ImportSuccess conditions)',
  check: imageStreamHealth,
};
