import { UserError } from '../errors.js';
import { FileShapeError, readBoundedFile } from './read-bounded-file.js';

/** What a file given by the user is, for the refusals: `plan file` / `migration.yaml`. */
export interface UserFileKind {
  readonly noun: string;
  readonly example: string;
}

/**
 * Reads a small file the user named (a plan, a fleet file), bounded like {@link readBoundedFile}; every
 * failure is one sentence naming the file and what was expected.
 */
export function readUserFile(path: string, maxBytes: number, kind: UserFileKind): Buffer {
  try {
    return readBoundedFile(path, maxBytes);
  } catch (err) {
    if (err instanceof FileShapeError) throw new UserError(`${path}: ${err.message}; expected a ${kind.noun} such as ${kind.example} of at most ${maxBytes} bytes.`);
    const code = (err as NodeJS.ErrnoException).code;
    const why = code === 'ENOENT' ? 'no such file' : code === 'EISDIR' ? 'it is a directory' : code === 'EACCES' ? 'permission denied' : 'it cannot be read';
    throw new UserError(`${path}: cannot read the ${kind.noun} (${why}); expected a readable ${kind.example}.`);
  }
}
