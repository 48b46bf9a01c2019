import type { MigrationPlan } from '../../src/plan/plan-schema.js';
import { REDIS_CHECK_SERVERS, requirementsEnv, type VersionCheckStage, versionCheckJobs } from '../../src/procedures/externalize-on-cluster/version-check-plan.js';
import type { PhaseChart } from '../phase-chart.js';
import { dataJob, fromSecret } from './data-job.js';

/**
 * Read-only Jobs that ask the System database and the Redis servers 3scale uses for their version, through
 * the URLs of the connection Secrets (as the 3scale operator's preflights do), and record found and needed
 * versions as evidence: in the preflight phase for the servers in use (`current`), in the verify phase for
 * the servers the cut-over switched to (`new`). One Job per client image.
 */
export function versionCheckJobsFor(chart: PhaseChart<MigrationPlan>, stage: VersionCheckStage): void {
  const { plan } = chart;
  for (const job of versionCheckJobs(plan, stage)) {
    const servers =
      job.target === 'database'
        ? [fromSecret('DATABASE_URL', 'system-database', 'URL')]
        : [
            { name: 'REDIS_SERVERS', value: job.servers.join(' ') },
            ...REDIS_CHECK_SERVERS.filter((s) => job.servers.includes(s.name)).map((s) => fromSecret(`REDIS_URL_${s.name.toUpperCase().replace(/-/g, '_')}`, s.secret, s.key)),
          ];
    dataJob(chart, job.target === 'database' ? 'VersionCheckDatabase' : 'VersionCheckRedis', {
      name: job.name,
      namespace: job.namespace,
      script: 'version-check.sh',
      image: job.image,
      wave: 0,
      env: [...servers, ...requirementsEnv(plan), ...(job.recordOnly.length ? [{ name: 'RECORD_ONLY', value: job.recordOnly.join(' ') }] : [])],
    });
  }
}
