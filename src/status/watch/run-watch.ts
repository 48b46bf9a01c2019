import { Watch } from '@kubernetes/client-node';
import type { KubeObject } from '../../kube/kube-object.js';
import { loadPlanFile } from '../../plan/load-plan.js';
import { plannedPhases } from '../../phases/registry.js';
import { EVIDENCE_CONFIGMAP } from '../evidence.js';
import { statusExitCode } from '../render-status.js';
import { compareWithLive, type CompareOptions } from '../run-diff.js';
import { kubeConfigFor } from './kube-config.js';
import { windowBudgetMs } from './progress-record.js';
import { renderWatchScreen, windowOpenedAt } from './watch-screen.js';
import { KEYS, phaseOf } from '../../contract/on-cluster.js';

/** Where `status --watch` draws: a terminal redraws one screen in place, anything else gets the screens appended. */
export interface WatchOutput {
  readonly write: (text: string) => void;
  readonly tty: boolean;
  readonly color: boolean;
}


/**
 * `status --watch`: watches the Jobs and evidence ConfigMaps of the migration's namespaces (API watches, no
 * polling), and on every change reads the status again and draws the screen. Resolves 0 when the target is
 * done, 1 when a phase fails, 130 when `signal` aborts (Ctrl-C).
 */
export async function runWatch(options: CompareOptions, out: WatchOutput, signal: AbortSignal): Promise<number> {
  const plan = loadPlanFile(options.planPath).plan;
  const phases = plannedPhases(plan);
  const opener = phases.findIndex((p) => p.definition.window === 'opens-window');
  const windowPhases = new Set(opener < 0 ? [] : phases.slice(opener).map((p) => p.definition.id));
  const budget = (plan.spec as { maintenanceWindow?: string }).maintenanceWindow;
  const read = () => compareWithLive({ ...options, explain: true });
  const first = await read();
  const namespaces = [...new Set(first.objects.map((o) => o.ref.namespace).filter((n): n is string => !!n))].sort();
  const jobs = new Map<string, KubeObject>();
  const evidence = new Map<string, Record<string, string>>();
  const watch = new Watch(kubeConfigFor(options));
  const aborts: AbortController[] = [];
  let lastScreen = '';

  return new Promise<number>((resolve, reject) => {
    let pending: NodeJS.Timeout | undefined;
    let busy = false;
    let again = false;
    let finished = false;
    const finish = (code: number) => {
      if (finished) return;
      finished = true;
      if (pending) clearTimeout(pending);
      for (const a of aborts) a.abort();
      if (out.tty) out.write('\x1b[?25h');
      resolve(code);
    };
    const draw = async () => {
      if (busy) {
        again = true;
        return;
      }
      busy = true;
      try {
        const report = await read();
        if (finished) return;
        const screen = renderWatchScreen(
          { report, evidence, windowOpenedAt: windowOpenedAt(jobs.values(), windowPhases), budgetMs: budget ? windowBudgetMs(budget) : undefined, now: Date.now() },
          out,
        );
        if (out.tty) out.write(`\x1b[H\x1b[2J${screen}`);
        else if (screen !== lastScreen) out.write(`${lastScreen ? '\n' : ''}${screen}`);
        lastScreen = screen;
        if (statusExitCode(report) === 0) finish(0);
        else if (report.phases.some((p) => p.status === 'failed')) finish(1);
      } catch (err) {
        finished = true;
        for (const a of aborts) a.abort();
        reject(err instanceof Error ? err : new Error(String(err)));
      } finally {
        busy = false;
        if (again && !finished) {
          again = false;
          schedule();
        }
      }
    };
    const schedule = () => {
      if (finished) return;
      if (pending) clearTimeout(pending);
      pending = setTimeout(() => void draw(), 100);
    };
    signal.addEventListener('abort', () => finish(130), { once: true });
    const follow = (path: string, query: Record<string, string>, onObject: (type: string, obj: KubeObject) => void) => {
      const start = () => {
        if (finished) return;
        watch
          .watch(
            path,
            query,
            (type, obj: KubeObject) => {
              onObject(type, obj);
              schedule();
            },
            () => setTimeout(start, 1000).unref(),
          )
          .then((a) => (finished ? a.abort() : aborts.push(a)), () => setTimeout(start, 1000).unref());
      };
      start();
    };
    for (const ns of namespaces) {
      follow(`/apis/batch/v1/namespaces/${ns}/jobs`, { labelSelector: `${KEYS.migration}=${plan.metadata.name}` }, (type, job) => {
        const key = `${ns}/${job.metadata.name}`;
        if (type === 'DELETED') jobs.delete(key);
        else if (phaseOf(job)) jobs.set(key, job);
      });
      follow(`/api/v1/namespaces/${ns}/configmaps`, { fieldSelector: `metadata.name=${EVIDENCE_CONFIGMAP}` }, (type, cm) => {
        if (type === 'DELETED') evidence.delete(ns);
        else evidence.set(ns, (cm.data ?? {}) as Record<string, string>);
      });
    }
    schedule();
  });
}
