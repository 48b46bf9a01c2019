import type { PlannedPhase } from '../phases/phase.js';
import { plannedPhases, procedureById } from '../phases/registry.js';
import type { PlanBase } from '../plan/plan-base.js';
import { STOPPED_WINDOW, windowLabel } from './window-label.js';

/** The plan as data: the shape of `plan --format json` (stable, documented in the README). */
export interface PlanView {
  readonly migration: string;
  readonly procedure: { readonly id: string; readonly title: string; readonly source: string; readonly runNoun: string };
  readonly phases: readonly {
    readonly order: number;
    readonly id: string;
    readonly folder: string;
    readonly title: string;
    readonly window: string;
    readonly destructive: boolean;
    readonly changes: readonly string[];
    readonly expects: readonly string[];
    readonly rollback: { readonly folder: string; readonly title: string; readonly changes: readonly string[] } | null;
  }[];
}

/** Builds the plan view; loads no chart and no cdk8s. */
export function planView(plan: PlanBase): PlanView {
  const procedure = procedureById(plan.spec.procedure);
  return {
    migration: plan.metadata.name,
    procedure: { id: procedure.id, title: procedure.title, source: procedure.source, runNoun: procedure.runNoun },
    phases: plannedPhases(plan).map((p: PlannedPhase) => ({
      order: p.order,
      id: p.definition.id,
      folder: p.folder,
      title: p.definition.title,
      window: p.definition.window,
      destructive: p.definition.destructive,
      changes: p.definition.describe(plan),
      expects: p.definition.expects(plan),
      rollback: p.definition.rollback
        ? { folder: `rollback/${p.folder}`, title: p.definition.rollback.title, changes: p.definition.rollback.describe(plan) }
        : null,
    })),
  };
}

/** Renders the plan view as text, JSON or a Mermaid flowchart. */
export function renderPlanView(plan: PlanBase, format: 'text' | 'json' | 'mermaid'): string {
  const view = planView(plan);
  if (format === 'json') return JSON.stringify(view, null, 2) + '\n';
  if (format === 'mermaid') return mermaid(view);
  return text(view);
}

function text(view: PlanView): string {
  const out: string[] = [`${view.procedure.runNoun} ${view.migration}: ${view.procedure.title}`, `Source: ${view.procedure.source}`, ''];
  const wording = procedureById(view.procedure.id).windowWording ?? STOPPED_WINDOW;
  for (const p of view.phases) {
    if (p.window === 'opens-window') out.push(`=== ${wording.opens} ===`, '');
    out.push(`${p.folder}  ${p.title}${p.destructive ? '  [DESTRUCTIVE]' : ''}`);
    out.push(`    window: ${windowLabel(p.window as never, wording)}`);
    for (const c of p.changes) out.push(`    changes: ${c}`);
    for (const e of p.expects) out.push(`    expects: ${e}`);
    out.push(p.rollback ? `    rollback: ${p.rollback.folder}: ${p.rollback.title}` : '    rollback: nothing to undo');
    out.push('');
    if (p.window === 'closes-window') out.push(`=== ${wording.closes} ===`, '');
  }
  const undo = view.phases.filter((p) => p.rollback).reverse();
  if (undo.length) {
    out.push('To roll back from any phase, apply the rollback folders from that phase down, in this order:');
    out.push(`    ${undo.map((p) => p.rollback!.folder).join(' -> ')}`, '');
  }
  return out.join('\n');
}

function mermaid(view: PlanView): string {
  const out = ['flowchart TD'];
  const id = (p: { folder: string }) => `p${p.folder.slice(0, 2)}`;
  for (const p of view.phases) {
    const label = `${p.folder}<br/>${p.title}`.replace(/"/g, "'");
    out.push(`  ${id(p)}["${label}"]`);
    if (p.rollback) {
      out.push(`  r${id(p)}["${p.rollback.folder}<br/>${p.rollback.title.replace(/"/g, "'")}"]`);
      out.push(`  ${id(p)} -. rollback .-> r${id(p)}`);
    }
  }
  for (let i = 1; i < view.phases.length; i++) {
    const prev = view.phases[i - 1]!;
    const cur = view.phases[i]!;
    const edge = cur.window === 'opens-window' ? ' -- window opens --> ' : prev.window === 'closes-window' ? ' -- window closed --> ' : ' --> ';
    out.push(`  ${id(prev)}${edge}${id(cur)}`);
  }
  return out.join('\n') + '\n';
}
