import { UserError } from '../../../errors.js';
import { type LiveInstall, markedExternal, systemDatabaseScheme } from '../live-install.js';
import { NO_SWITCH } from '../switch-over.js';
import { NO_DATABASE_WORK, type DatabaseMover } from './mover.js';

/** A strategy that moves nothing: the database is already outside the operator (or, Oracle, refused before anything renders). */
const nothingMoves = (strategy: DatabaseMover['strategy'], discover: DatabaseMover['discover']): DatabaseMover => ({ strategy, work: () => NO_DATABASE_WORK, switchOver: () => NO_SWITCH, discover });

/** The scheme of the connection URL when the APIManager marks the System database external, else undefined. */
const externalScheme = (live: LiveInstall) => (markedExternal(live, 'system', 'database') ? (systemDatabaseScheme(live) ?? '') : undefined);

/** Any external System database whose URL is not MySQL's: PostgreSQL, or refused for a URL with no readable scheme. */
export const externalPostgresqlMover = nothingMoves('postgresql/already-external', (live) => {
  const scheme = externalScheme(live);
  if (scheme === undefined || scheme.startsWith('mysql')) return undefined;
  if (!scheme.startsWith('postgres')) {
    throw new UserError(`${live.sourceLabel}: Secret ${live.namespace}/system-database has no readable URL scheme; expected postgresql:// or mysql2:// for an external System database.`);
  }
  return { component: { kind: 'postgresql', strategy: 'already-external' }, note: 'System database: already external (postgresql)' };
});

export const externalMysqlMover = nothingMoves('mysql/already-external', (live) =>
  externalScheme(live)?.startsWith('mysql') ? { component: { kind: 'mysql', strategy: 'already-external' }, note: 'System database: already external (mysql)' } : undefined,
);

/** Oracle: recognised from the connection URL, refused (whether external or not) before any other mover is believed. */
export const oracleMover = nothingMoves('oracle', (live) => {
  const scheme = systemDatabaseScheme(live);
  if (!scheme?.startsWith('oracle')) return undefined;
  throw new UserError(`${live.sourceLabel}: Secret ${live.namespace}/system-database points at Oracle (${scheme}://); 3scale 2.16 is not compatible with Oracle Database and the vendor says to stay on 2.15.`);
});
