import { isPartial, isPhaseLocal } from '../contract/on-cluster.js';
import { objectRef } from '../kube/kube-object.js';
import type { PlanBase } from '../plan/plan-base.js';
import { procedureById } from '../phases/registry.js';
import { windowLabel } from '../plan-view/window-label.js';
import type { FolderState } from './synthesize.js';


/** PHASE.md of a folder: what applying it does, what must hold first, and what it contains. */
export function phaseReadme(plan: PlanBase, state: FolderState): string {
  const def = state.phase.definition;
  const lines: string[] = [];
  if (state.rollback) {
    lines.push(`# Rollback of ${state.phase.folder}: ${def.rollback!.title}`, '');
    lines.push('Desired state: the state before this phase, plus what undoes it:', '');
    for (const l of def.rollback!.describe(plan)) lines.push(`- ${l}`);
  } else {
    lines.push(`# ${state.phase.folder}: ${def.title}`, '', `Maintenance window: ${windowLabel(def.window, procedureById(plan.spec.procedure).windowWording)}.`, '');
    lines.push('What applying this folder changes:', '');
    for (const l of def.describe(plan)) lines.push(`- ${l}`);
    lines.push('', 'What must hold before it starts:', '');
    for (const l of def.expects(plan)) lines.push(`- ${l}`);
    lines.push('', def.rollback ? `Rollback: \`rollback/${state.phase.folder}\` (${def.rollback.title}).` : 'Rollback: nothing to undo.');
  }
  lines.push('', '## Objects', '', '| object | how it is applied |', '| --- | --- |');
  for (const o of state.objects) {
    const how = isPartial(o) ? 'partial (server-side apply of our fields only)' : isPhaseLocal(o) ? 'this phase only (Job)' : 'full object';
    const mine = state.own.includes(o) ? '' : ' (carried from an earlier phase)';
    lines.push(`| ${objectRef(o)} | ${how}${mine} |`);
  }
  return lines.join('\n') + '\n';
}
