import type { WindowMark } from '../phases/phase.js';

/** Words for where a phase sits relative to the maintenance window. */
export function windowLabel(mark: WindowMark): string {
  switch (mark) {
    case 'before-window':
      return 'before (3scale keeps running)';
    case 'opens-window':
      return 'opens it (3scale stops)';
    case 'in-window':
      return 'inside (3scale is stopped)';
    case 'closes-window':
      return 'closes it (3scale starts again)';
    case 'after-window':
      return 'after (3scale runs)';
    case 'no-window':
      return 'none (a new install)';
  }
}
