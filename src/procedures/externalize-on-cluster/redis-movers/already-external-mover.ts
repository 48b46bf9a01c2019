import { NO_SWITCH } from '../switch-over.js';
import { NO_WORK, type RedisMover } from './mover.js';

/** `already-external`: 3scale already reaches a Redis of its own; nothing moves, nothing is rewritten. */
export const alreadyExternalMover: RedisMover<'already-external'> = {
  strategy: 'already-external',
  work: () => NO_WORK,
  switchOver: () => NO_SWITCH,
};
