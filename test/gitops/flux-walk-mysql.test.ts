/**
 * The MySQL-in-place migration walked by Flux for real (the engine and the harness of flux-walk.test.ts): the 2.15
 * MySQL install seeded, its APIManager handing APIcast production to an HPA (`hpa: true`, set by the
 * administrator before the migration), the plan written by the real `discover` (the detach list and
 * `spec.autoscaled` as found) with the GitOps wiring added; every phase from preflight to verify by one `promote`
 * and one commit each, then the rollback folders from verify down to prepare. The patching Jobs do what their
 * script does (test/support/gitops-walk/mysql-walk.ts); an HPA stand-in writes APIcast production's replicas
 * through the scale subresource, as kube-controller-manager. Fails with CI set when a binary is missing.
 */
import { readFileSync } from 'node:fs';
import { parse } from 'yaml';
import { describe, expect, test } from 'vitest';
import { runCli } from '../support/cli.js';
import { checkEngine, fluxCrdFiles, kustomizeControllerBinary } from '../support/gitops-engines.js';
import { listObjects } from '../support/gitops-walk/cluster-actors.js';
import { fluxWalk } from '../support/gitops-walk/flux-walk.js';
import { discoveredMysqlPlan, enableApicastHpa, patchingJobs } from '../support/gitops-walk/mysql-walk.js';
import { useWalkSuite } from '../support/gitops-walk/walk-suite.js';
import { hpaScales, replicasOwners } from '../support/real-api/index.js';

/** The phases of the discovered plan (no Subscription in the export, so no upgrade). */
const FORWARD = ['preflight', 'prepare', 'scale-down', 'copy-data', 'load-redis', 'cutover', 'scale-up', 'verify'];
/** The rollback folders from scale-up down to prepare (copy-data has none: it changes nothing 3scale reads). */
const ROLLBACK = ['scale-up', 'cutover', 'load-redis', 'scale-down', 'prepare'];
const HPA_TARGET = 'apicast-production';

const flux = checkEngine('kustomize-controller', kustomizeControllerBinary());

describe.skipIf(flux.skip)('Flux walks the MySQL-in-place migration on the real API server, with APIcast production left to its HPA', () => {
  let planPath = '';
  const walk = useWalkSuite('flux-walk-mysql-', fluxCrdFiles(), {
    fixture: 'mysql',
    writePlan: async (ctx) => (planPath = await discoveredMysqlPlan(ctx, () => enableApicastHpa(walk.admin(), '3scale'))),
    onJob: patchingJobs(() => planPath),
  });
  const steps = fluxWalk(walk, () => flux.require(), FORWARD);
  const captured = () => (parse(readFileSync(planPath, 'utf8')) as { spec: { replicas: Record<string, number>; autoscaled?: string[] } }).spec;
  const deployment = async (name: string) => (await listObjects(walk.admin(), 'apps/v1', 'Deployment', '3scale')).find((d) => d.metadata.name === name)!;
  const replicasOf = async (name: string) => (await deployment(name)).spec?.replicas as number;
  /** What the HPA chose: another count than the captured one. */
  const hpaCount = () => captured().replicas[HPA_TARGET]! + 3;

  /** `diff` of the target folder as a user runs it: exit 0, in sync. */
  async function diffInSync(): Promise<void> {
    const run = await runCli(['diff', '-c', planPath, '--kubeconfig', walk.kubeconfig(), '--dir', walk.out(), '--field-manager', 'flux']);
    expect(run.code, run.stdout + run.stderr).toBe(0);
  }

  test('GIVEN the discovered plan (spec.autoscaled: apicast-production) and the wiring committed once WHEN every phase is promoted in turn THEN Flux applies each, one phase is pointed at, status agrees, nothing flips; at scale-up the HPA\'s count survives three reconciliations and diff and status see no drift; MySQL ends detached', async () => {
    // GIVEN discover found the APIManager's hpa flag
    expect(captured().autoscaled).toEqual([HPA_TARGET]);
    let artifact = await steps.wire('preflight');
    for (const [i, id] of FORWARD.entries()) {
      // WHEN the one command of a promotion runs and its output is committed
      if (i > 0) artifact = await steps.promote(id);
      await steps.forwardChecks(id, artifact, async () => {
        if (id === 'scale-down') expect(await replicasOf(HPA_TARGET)).toBe(0);
        if (id !== 'scale-up') return;
        // (Job start-autoscaled started APIcast production from 0 to its captured count, as kubectl-patch)
        await steps.waitFor(`${HPA_TARGET} started`, 30_000, async () => ((await replicasOf(HPA_TARGET)) === captured().replicas[HPA_TARGET] ? true : undefined));
        expect(replicasOwners(await deployment(HPA_TARGET))).toEqual(['kubectl-patch Update']);
        // (and the HPA then sets its own count through the scale subresource)
        await hpaScales(walk.admin(), '3scale', HPA_TARGET, hpaCount());
        expect(replicasOwners(await deployment(HPA_TARGET))).toEqual(['kube-controller-manager Update scale']);
      });
      // (forwardChecks: status agreed and three reconciliations changed no generation, the HPA's write included)
      if (id === 'scale-up' || id === 'verify') {
        // THEN the engine never took the count back, and diff sees no drift
        expect(await replicasOf(HPA_TARGET), id).toBe(hpaCount());
        expect(replicasOwners(await deployment(HPA_TARGET)), id).toEqual(['kube-controller-manager Update scale']);
        await diffInSync();
      }
    }
    // AND MySQL runs where it was, no longer owned by the APIManager
    const mysql = await deployment('system-mysql');
    expect({ owners: mysql.metadata.ownerReferences ?? [], replicas: mysql.spec?.replicas }).toEqual({ owners: [], replicas: 1 });
  }, 3_600_000);

  test('GIVEN verify applied WHEN the rollback folders are promoted from scale-up down to prepare THEN each is applied alone, status advises the next one down, nothing flips, and 3scale ends as the operator runs it with APIcast production started again from 0', async () => {
    for (const [i, id] of ROLLBACK.entries()) {
      await steps.rollbackStep(id, ROLLBACK[i + 1]);
      // (rollback/scale-up stops APIcast production with the rest: the HPA does not scale a target at 0)
      if (id === 'scale-up') expect(await replicasOf(HPA_TARGET)).toBe(0);
    }
    // THEN every component has its captured count (APIcast production's put back by Job restart-autoscaled), the operator runs
    const live = Object.fromEntries((await listObjects(walk.admin(), 'apps/v1', 'Deployment', '3scale')).map((d) => [d.metadata.name, d.spec?.replicas as number]));
    expect(live).toMatchObject({ ...captured().replicas, 'threescale-operator-controller-manager-v2': 1, 'system-mysql': 1 });
    // AND the old Redis servers run again
    expect({ backend: live['backend-redis'], system: live['system-redis'] }).toEqual({ backend: 1, system: 1 });
  }, 3_600_000);

  test('GIVEN the walk forward and back WHEN the order of creations is read from the API server\'s watch THEN each Job was created after the ServiceAccount, script ConfigMaps and RoleBindings of its folder it uses', () => {
    expect(steps.creations().jobsCreated().length).toBeGreaterThanOrEqual(8);
    expect(steps.creations().missingAtJobCreation()).toEqual([]);
  });
});
