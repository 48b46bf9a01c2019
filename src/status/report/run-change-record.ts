import { writeFileSync } from 'node:fs';
import { BatchV1Api, CoreV1Api } from '@kubernetes/client-node';
import { UserError } from '../../errors.js';
import type { KubeObject } from '../../kube/kube-object.js';
import { loadPlanFile } from '../../plan/load-plan.js';
import { redactText } from '../../redact/session.js';
import { EVIDENCE_CONFIGMAP } from '../evidence.js';
import { compareWithLive, type CompareOptions } from '../run-diff.js';
import { kubeConfigFor } from '../watch/kube-config.js';
import { buildChangeRecord } from './change-record.js';
import { renderChangeRecordHtml, renderChangeRecordMarkdown } from './render-change-record.js';
import { KEYS } from '../../contract/on-cluster.js';

/**
 * `status --report FILE`: reads the status, the migration's Jobs and evidence records, and writes the change
 * record as HTML (Markdown when FILE ends in .md), every secret value read by this run masked.
 */
export async function writeChangeRecord(options: CompareOptions, file: string, now = Date.now()): Promise<void> {
  const plan = loadPlanFile(options.planPath).plan;
  const report = await compareWithLive(options);
  const namespaces = [...new Set(report.objects.map((o) => o.ref.namespace).filter((n): n is string => !!n))].sort();
  const kc = kubeConfigFor(options);
  const batch = kc.makeApiClient(BatchV1Api);
  const core = kc.makeApiClient(CoreV1Api);
  const jobs: KubeObject[] = [];
  const evidence = new Map<string, Record<string, string>>();
  for (const namespace of namespaces) {
    const list = await batch.listNamespacedJob({ namespace, labelSelector: `${KEYS.migration}=${plan.metadata.name}` });
    jobs.push(...list.items.map((j) => JSON.parse(JSON.stringify(j)) as KubeObject));
    const cms = await core.listNamespacedConfigMap({ namespace, fieldSelector: `metadata.name=${EVIDENCE_CONFIGMAP}` });
    if (cms.items[0]?.data) evidence.set(namespace, cms.items[0].data);
  }
  const spec = plan.spec as { threescale?: { version?: string } };
  const record = buildChangeRecord(report, jobs, evidence, { version: spec.threescale?.version ?? null, operatorVersion: null }, now);
  const text = file.endsWith('.md') ? renderChangeRecordMarkdown(record) : renderChangeRecordHtml(record);
  try {
    writeFileSync(file, redactText(text));
  } catch (err) {
    throw new UserError(`--report ${file}: cannot write the change record (${(err as Error).message.split('\n')[0]}).`);
  }
}
