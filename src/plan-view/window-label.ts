import type { WindowMark, WindowWording } from '../phases/phase.js';

/**
 * The wording of a window during which 3scale is stopped (the externalization: the databases are copied
 * while nothing writes to them). Procedures whose window only disrupts 3scale bring their own wording.
 */
export const STOPPED_WINDOW: WindowWording = {
  labels: {
    'before-window': 'before (3scale keeps running)',
    'opens-window': 'opens it (3scale stops)',
    'in-window': 'inside (3scale is stopped)',
    'closes-window': 'closes it (3scale starts again)',
    'after-window': 'after (3scale runs)',
    'no-window': 'none (a new install)',
  },
  opens: 'maintenance window opens: 3scale is stopped from here',
  closes: 'maintenance window closes: 3scale runs again',
};

/** Words for where a phase sits relative to the maintenance window, in the wording of its procedure. */
export function windowLabel(mark: WindowMark, wording: WindowWording = STOPPED_WINDOW): string {
  return wording.labels[mark];
}
