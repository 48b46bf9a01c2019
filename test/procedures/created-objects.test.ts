/**
 * Specification of the movers' `creates` (src/procedures/externalize-on-cluster/created-objects.ts): the
 * rollback of prepare deletes what the movers say their prepare work created, and nothing prepare did not
 * render or copy.
 */
import { describe, expect, test } from 'vitest';
import { resourceType } from '../../src/kube/resource-types.js';
import { credentialCopies } from '../../src/plan/plan-facts.js';
import { databaseCreates } from '../../src/procedures/externalize-on-cluster/database-movers/registry.js';
import { redisCreates } from '../../src/procedures/externalize-on-cluster/redis-movers/registry.js';
import { synthesize } from '../../src/synth/synthesize.js';
import type { KubeObject } from '../../src/kube/kube-object.js';
import { MIGRATION_EXAMPLES, removedByPrepareRollback } from '../support/cutover-folders.js';

/** Whether a Job of prepare copies Secret `name` into `namespace` (its TARGET_NAMESPACE and SECRET_NAME). */
function copiedByPrepareJob(objects: readonly KubeObject[], namespace: string, name: string): boolean {
  return objects.some((o) => {
    if (o.kind !== 'Job') return false;
    const env = new Map(((o as { spec?: { template?: { spec?: { containers?: { env?: { name: string; value?: string }[] }[] } } } }).spec?.template?.spec?.containers ?? []).flatMap((c) => c.env ?? []).map((e) => [e.name, e.value]));
    return env.get('TARGET_NAMESPACE') === namespace && env.get('SECRET_NAME') === name;
  });
}


describe.each(MIGRATION_EXAMPLES)('the rollback of prepare of examples/%s', (_name, load) => {
  test('GIVEN the plan WHEN synthesized THEN it deletes what the movers created in prepare, then the credential copies, and every object it deletes is one prepare rendered or a Secret one of its Jobs copies there', async () => {
    // GIVEN
    const loaded = load();
    const ns = loaded.plan.spec.threescale.namespace;
    const created = [...databaseCreates(loaded.plan, 'prepare'), ...redisCreates(loaded.plan, 'prepare')];
    const copies = credentialCopies(loaded.plan).map((c) => `${ns} secret/${c.secretName}`);

    // WHEN
    const result = await synthesize(loaded);

    // THEN
    const prepare = result.forward.find((s) => s.phase.definition.id === 'prepare');
    expect(removedByPrepareRollback(result)).toEqual(created.length + copies.length ? [...created, ...copies] : undefined);
    for (const line of created) {
      const [namespace, ref] = line.split(' ') as [string, string];
      const [resource, name] = ref.split('/') as [string, string];
      const { kind } = resourceType(resource);
      const rendered = prepare?.own.some((o) => o.kind === kind && o.metadata.name === name && o.metadata.namespace === namespace);
      expect(rendered || (kind === 'Secret' && copiedByPrepareJob(prepare?.own ?? [], namespace, name)), line).toBe(true);
    }
  });
});
