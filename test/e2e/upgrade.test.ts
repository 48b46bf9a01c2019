/**
 * The upgrade to 2.16 after the PostgreSQL migration: discover reads the operator Subscription from the
 * loopback API server, the user enables the upgrade, synth renders 08-upgrade. The upgrade applied, its diff
 * and its rollback run on the real API server (managed-and-upgrade-real-api.test.ts).
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, test } from 'vitest';
import { parse, stringify } from 'yaml';
import type { KubeObject } from '../../src/kube/kube-object.js';
import { operatorSubscription } from '../support/fake-api-olm.js';
import { loadMigrationPlan } from '../support/plans.js';
import { cli, useDiscoveredPlan } from './harness.js';

const MIGRATION = ['preflight', 'prepare', 'scale-down', 'copy-data', 'load-redis', 'cutover', 'scale-up', 'verify'];

/** The 3scale operator's Subscription as OLM and the console leave it on a 2.15 install with Manual approval. */
const subscription: KubeObject = operatorSubscription();

const e2e = useDiscoveredPlan({
  fixture: 'postgresql',
  tempPrefix: 'e2e-upgrade',
  extraObjects: [subscription],
  // The user turns the upgrade on once the plan is reviewed.
  editPlan: (planPath) => {
    const raw = parse(readFileSync(planPath, 'utf8'));
    raw.spec.upgrade.enabled = true;
    writeFileSync(planPath, stringify(raw));
  },
});

describe('discover and synth', () => {
  test('discover writes the live Subscription into spec.upgrade, disabled; once enabled, synth renders 08-upgrade', async () => {
    // GIVEN a cluster holding the 2.15 install and its operator Subscription
    const { kubeconfig } = await e2e.freshCluster();
    const discovered = join(e2e.tmp.dir, 'discovered.yaml');
    const dist = join(e2e.tmp.dir, 'dist');

    // WHEN
    const run = await cli(['discover', '--kubeconfig', kubeconfig, '-n', '3scale', '--out', discovered]);
    const synth = await cli(['synth', '-c', e2e.planPath, '--out', dist]);

    // THEN discover kept the approval mode and wrote the channel and CSV as a comment, upgrade off
    expect(run).toMatchObject({ code: 0, stderr: '' });
    expect(loadMigrationPlan(discovered).plan.spec.upgrade).toEqual({
      enabled: false,
      channel: 'threescale-2.16',
      subscription: { name: '3scale-operator', package: '3scale-operator', source: 'redhat-operators', sourceNamespace: 'openshift-marketplace', installPlanApproval: 'Manual' },
    });
    expect(readFileSync(discovered, 'utf8')).toContain('# found: Subscription 3scale/3scale-operator: channel threescale-2.15, current CSV 3scale-operator.v0.12.5 (AtLatestKnown), installPlanApproval Manual\n');
    // AND synth of the enabled plan renders the upgrade after verify, with its rollback
    expect(synth).toMatchObject({ code: 0, stderr: '' });
    expect(e2e.result.forward.map((s) => s.phase.definition.id)).toEqual([...MIGRATION, 'upgrade']);
    const yaml = readFileSync(join(dist, '08-upgrade', '3scale_subscription_3scale-operator.yaml'), 'utf8');
    expect(parse(yaml).spec).toEqual({ name: '3scale-operator', source: 'redhat-operators', sourceNamespace: 'openshift-marketplace', channel: 'threescale-2.16', installPlanApproval: 'Manual' });
    expect(readFileSync(join(dist, 'rollback', '08-upgrade', 'PHASE.md'), 'utf8')).toContain('OLM does not downgrade an installed CSV');
  });
});
