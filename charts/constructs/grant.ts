import type { k8s } from 'cdk8s-plus-28';
import { apiGroupOf, resourceType, type ResourceType } from '../../src/kube/resource-types.js';

/** RBAC verbs a Job may be granted. */
export type Verb = 'get' | 'list' | 'watch' | 'create' | 'update' | 'patch' | 'delete';

/** What {@link grant} grants on. */
export interface GrantOn {
  /** The types (one API group): kubectl names (`secret`, `route.route.openshift.io`) or rows of the table. */
  readonly types: string | ResourceType | readonly (string | ResourceType)[];
  /** A subresource of each type (`exec`, `status`, `custom-host`). */
  readonly subresource?: string;
  /** Exactly these objects; every object of the types when absent. */
  readonly names?: readonly string[];
}

/**
 * One Role rule: `verbs` on the given types (looked up in the resource table: group and plural are never
 * guessed), only on `names` when given. Types of different API groups need one rule each.
 */
export function grant(on: GrantOn, verbs: readonly Verb[]): k8s.PolicyRule {
  const types = (Array.isArray(on.types) ? (on.types as readonly (string | ResourceType)[]) : [on.types as string | ResourceType]).map((t) => (typeof t === 'string' ? resourceType(t) : t));
  const groups = [...new Set(types.map(apiGroupOf))];
  if (groups.length !== 1) throw new Error(`grant: ${types.map((t) => t.kind).join(', ')} span API groups ${groups.join(', ')}; expected one rule per group`);
  const resources = types.map((t) => (on.subresource ? `${t.plural}/${on.subresource}` : t.plural));
  return { apiGroups: groups, resources, ...(on.names ? { resourceNames: [...on.names] } : {}), verbs: [...verbs] };
}
