import { markedExternal } from '../live-install.js';
import { NO_SWITCH } from '../switch-over.js';
import { connectionUsesSentinels } from './sentinel-mover.js';
import { NO_WORK, type RedisMover } from './mover.js';

/** `already-external`: 3scale already reaches a Redis of its own; nothing moves, nothing is rewritten. */
export const alreadyExternalMover: RedisMover<'already-external'> = {
  strategy: 'already-external',
  work: () => NO_WORK,
  switchOver: () => NO_SWITCH,
  // Behind sentinels, the sentinel mover recognises the connection Secret instead.
  discover: (live, role) =>
    markedExternal(live, role, 'redis') && !connectionUsesSentinels(role, live.byName('Secret', `${role}-redis`))
      ? { component: { strategy: 'already-external' }, note: `${role} Redis: already external` }
      : undefined,
};
