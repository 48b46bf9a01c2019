import { NO_SWITCH } from '../switch-over.js';
import { NO_DATABASE_WORK, type DatabaseMover, type DatabaseStrategy } from './mover.js';

/** A strategy that moves nothing: the database is already outside the operator (or, Oracle, refused before anything renders). */
const nothingMoves = (strategy: DatabaseStrategy): DatabaseMover => ({ strategy, work: () => NO_DATABASE_WORK, switchOver: () => NO_SWITCH });

export const externalPostgresqlMover = nothingMoves('postgresql/already-external');
export const externalMysqlMover = nothingMoves('mysql/already-external');
export const oracleMover = nothingMoves('oracle');
