import pc from 'picocolors';
import type { ExplainResult, Explanation } from './explain-failures.js';

/**
 * The explanations as text, below the `status` or `diff` report: per failure the object, the (masked)
 * line, what it means, what to do and which phase or rollback addresses it; then what could not be read.
 */
export function renderExplanations(result: ExplainResult, options: { color: boolean }): string {
  const c = pc.createColors(options.color);
  const out: string[] = ['', c.bold('explain (troubleshooting of the vendor procedure, chapter 7):')];
  if (result.explanations.length === 0) out.push('  no known failure signature in the pod states, Warning Events and logs read');
  for (const e of result.explanations) {
    out.push(`${c.red('!')} ${e.title}: ${where(e)}`);
    out.push(`    ${e.evidence === 'log' ? 'log' : e.evidence === 'event' ? 'Event' : 'state'}: ${e.line}`);
    out.push(`    meaning: ${e.meaning} (${e.source})`);
    out.push(`    remedy: ${e.remedy}`);
    out.push(`    ${addressedBy(e)}`);
  }
  if (result.notes.length) {
    out.push('  not explained:');
    for (const n of result.notes) out.push(`  - ${n}`);
  }
  return out.join('\n') + '\n';
}

function where(e: Explanation): string {
  const o = e.object;
  const container = o.container ? ` container ${o.container}` : '';
  const owner = e.owner ? ` of ${e.owner.kind} ${e.owner.name}` : '';
  const times = e.occurrences > 1 ? `, ${e.occurrences} times` : '';
  return `${o.kind} ${o.namespace}/${o.name}${container}${owner}${times}`;
}

function addressedBy(e: Explanation): string {
  return e.phase ? `phase: ${e.phase}; ${e.undo}` : `phase: ${e.undo}`;
}
