import { phaseFolder, PROCEDURES } from '../phases/registry.js';
import { windowLabel } from './window-label.js';

/**
 * The README's phase table, generated from the registry (a test keeps the README in step), so the
 * documentation never lists the phases by hand.
 */
export function phaseTableMarkdown(): string {
  const out: string[] = [];
  for (const procedure of PROCEDURES) {
    out.push(`Procedure \`${procedure.id}\`: ${procedure.title} (${procedure.source}).`, '');
    out.push('| folder | phase | maintenance window | rollback |', '| --- | --- | --- | --- |');
    procedure.phases.forEach((phase, order) => {
      const title = phase.destructive ? `${phase.title} **(destructive)**` : phase.title;
      out.push(`| \`${phaseFolder(order, phase.id)}\` | ${title} | ${windowLabel(phase.window, procedure.windowWording)} | ${phase.rollback ? phase.rollback.title : 'nothing to undo'} |`);
    });
    out.push('');
  }
  return out.join('\n');
}
