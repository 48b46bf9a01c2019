/**
 * End to end, the upgrade to 2.16 after the PostgreSQL migration: discover reads the operator Subscription,
 * the user enables the upgrade, synth renders 08-upgrade, and diff/status follow it through the real CLI
 * against the loopback API server (a GitOps engine, the controllers and the Jobs simulated, see harness.ts).
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, test } from 'vitest';
import { parse, stringify } from 'yaml';
import type { KubeObject } from '../../src/kube/kube-object.js';
import { clusterServiceVersion, operatorSubscription } from '../support/fake-api-olm.js';
import { loadMigrationPlan } from '../support/plans.js';
import { cli, diffJson, FakeCluster, forwardState, rollbackState, statuses, useDiscoveredPlan } from './harness.js';

const MIGRATION = ['preflight', 'prepare', 'scale-down', 'copy-data', 'load-redis', 'cutover', 'scale-up', 'verify'];

/** The 3scale operator's Subscription as OLM and the console leave it on a 2.15 install with Manual approval. */
const subscription: KubeObject = operatorSubscription();

const e2e = useDiscoveredPlan({
  fixture: 'postgresql',
  tempPrefix: 'e2e-upgrade',
  extraObjects: [subscription, clusterServiceVersion('3scale-operator.v0.12.5')],
  // The user turns the upgrade on once the plan is reviewed.
  editPlan: (planPath) => {
    const raw = parse(readFileSync(planPath, 'utf8'));
    raw.spec.upgrade.enabled = true;
    writeFileSync(planPath, stringify(raw));
  },
});

/** Applies the migration phases up to verify, running their Jobs to success. */
async function migrate(cluster: FakeCluster): Promise<void> {
  await e2e.applyForward(cluster, MIGRATION);
}

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

describe('diff through the upgrade', () => {
  test('after verify the upgrade is pending; applied, diff --phase upgrade exits 0 and shows the APIManager’s version and Preflights', async () => {
    // GIVEN a cluster migrated through verify, the Subscription still on 2.15
    const { cluster, kubeconfig } = await e2e.freshCluster();
    await migrate(cluster);

    // WHEN diff compares the upgrade folder
    const before = await diffJson(['-c', e2e.planPath, '--kubeconfig', kubeconfig, '--phase', 'upgrade']);

    // THEN it exits 1: the channel is the change still to make
    expect(before.run.code).toBe(1);
    expect(statuses(before.report)).toMatchObject({ verify: 'applied', upgrade: 'pending' });
    const pending = before.report.objects.find((o) => o.ref.kind === 'Subscription')!;
    expect(pending).toMatchObject({ verdict: 'changed', partial: true });
    expect(pending.changes).toContainEqual({ path: 'spec.channel', op: 'replace', live: 'threescale-2.15', desired: 'threescale-2.16' });

    // WHEN the GitOps engine applies the upgrade folder (the partial Subscription, by server-side apply) and OLM
    // answers as it does with Manual approval: an InstallPlan towards the 2.16 CSV waits to be approved
    await cluster.applyState(forwardState(e2e.result, 'upgrade'));
    const olmStatus = (status: Record<string, unknown>) => {
      const live = cluster.get('operators.coreos.com/v1alpha1', 'Subscription', '3scale', '3scale-operator')!;
      cluster.api.store.put({ ...live, status });
    };
    olmStatus({ state: 'UpgradePending', currentCSV: '3scale-operator.v0.13.1', installedCSV: '3scale-operator.v0.12.5', installPlanRef: { name: 'install-7xk2p', namespace: '3scale' }, conditions: [{ type: 'InstallPlanPending', status: 'True', reason: 'RequiresApproval' }] });
    const waiting = await diffJson(['-c', e2e.planPath, '--kubeconfig', kubeconfig, '--phase', 'upgrade']);

    // THEN the channel matches, yet the upgrade is not done: it waits for the approval
    expect({ code: waiting.run.code, upgrade: statuses(waiting.report).upgrade }).toEqual({ code: 1, upgrade: 'in-progress' });
    expect(waiting.report.objects.find((o) => o.ref.kind === 'Subscription')).toMatchObject({ verdict: 'not-ready', reason: 'waits for InstallPlan install-7xk2p to complete: it requires approval (installPlanApproval Manual)', changes: [] });

    // WHEN it is approved and OLM installs the 2.16 CSV, which runs
    cluster.api.store.put(clusterServiceVersion('3scale-operator.v0.13.1'));
    olmStatus({ state: 'AtLatestKnown', currentCSV: '3scale-operator.v0.13.1', installedCSV: '3scale-operator.v0.13.1' });
    const text = await cli(['diff', '-c', e2e.planPath, '--kubeconfig', kubeconfig, '--phase', 'upgrade']);
    const { run, report } = await diffJson(['-c', e2e.planPath, '--kubeconfig', kubeconfig, '--phase', 'upgrade']);

    // THEN diff exits 0, the upgrade is applied and the current phase
    expect({ code: run.code, stderr: run.stderr }).toEqual({ code: 0, stderr: '' });
    expect(report).toMatchObject({ currentPhase: 'upgrade', inSync: true, target: '08-upgrade' });
    // AND the live Subscription follows 2.16, everything else as it was (approval, starting CSV)
    expect(cluster.get('operators.coreos.com/v1alpha1', 'Subscription', '3scale', '3scale-operator')?.spec).toEqual({ ...(subscription.spec as object), channel: 'threescale-2.16' });
    // AND the report carries what the operator says on the APIManager
    expect(report.threescale).toEqual({ version: '2.15.5', operatorVersion: '0.12.5', preflights: { status: 'True', message: 'All requirements for the current version are met' } });
    expect(text.code).toBe(0);
    expect(text.stdout).toContain('APIManager: apps.3scale.net/apimanager-threescale-version 2.15.5, apps.3scale.net/threescale-operator-version 0.12.5\n');
    expect(text.stdout).toContain('APIManager condition Preflights: True: All requirements for the current version are met\n');
    expect(text.stdout).toContain('08-upgrade: in sync');

    // WHEN the operator finishes the upgrade and annotates the APIManager
    await cluster.mergePatch('apps.3scale.net/v1alpha1', 'APIManager', '3scale', 'apimanager', {
      metadata: { annotations: { 'apps.3scale.net/apimanager-threescale-version': '2.16.1', 'apps.3scale.net/threescale-operator-version': '0.13.1' } },
    }, 'manager');
    const after = await diffJson(['-c', e2e.planPath, '--kubeconfig', kubeconfig, '--phase', 'upgrade']);

    // THEN the report shows 2.16
    expect(after.report.threescale).toMatchObject({ version: '2.16.1', operatorVersion: '0.13.1' });
    expect(after.run.code).toBe(0);
  });

  test('rollback/upgrade puts the channel back to 2.15 and is in sync once applied', async () => {
    // GIVEN a cluster with the upgrade folder applied (the 2.16 InstallPlan not approved yet)
    const { cluster, kubeconfig } = await e2e.freshCluster();
    await migrate(cluster);
    await cluster.applyState(forwardState(e2e.result, 'upgrade'));

    // WHEN the rollback folder is applied
    await cluster.applyState(rollbackState(e2e.result, 'upgrade'));
    const run = await cli(['diff', '-c', e2e.planPath, '--kubeconfig', kubeconfig, '--phase', 'rollback/upgrade']);

    // THEN
    expect({ code: run.code, stderr: run.stderr }).toEqual({ code: 0, stderr: '' });
    expect(run.stdout).toContain('rollback/08-upgrade: in sync');
    expect((cluster.get('operators.coreos.com/v1alpha1', 'Subscription', '3scale', '3scale-operator')?.spec as { channel: string }).channel).toBe('threescale-2.15');
  });
});
