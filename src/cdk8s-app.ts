/**
 * Entry point for `cdk8s synth` (see cdk8s.yaml): synthesizes the bundled default example, or the plan
 * named by THREESCALE_MIGRATE_PLAN, into the folder cdk8s passes in CDK8S_OUTDIR.
 */
import { join } from 'node:path';
import { UserError } from './errors.js';
import { runSynth } from './synth/run-synth.js';
import { packageRoot } from './util/package-root.js';

const plan = process.env.THREESCALE_MIGRATE_PLAN ?? join(packageRoot(), 'examples', 'postgresql-and-redis', 'migration.yaml');
const outDir = process.env.CDK8S_OUTDIR ?? 'dist';

runSynth({ planPath: plan, outDir, gitops: 'none' }).then(
  (summary) => process.stdout.write(summary),
  (err: unknown) => {
    process.stderr.write(`error: ${UserError.isUserError(err) ? err.message : String((err as Error).stack ?? err)}\n`);
    process.exitCode = UserError.isUserError(err) ? 2 : 70;
  },
);
