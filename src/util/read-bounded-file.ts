import { closeSync, constants, fstatSync, openSync, readSync, type Stats } from 'node:fs';

/** Size of one read. */
const CHUNK_BYTES = 64 * 1024;

/** Why a file was not read: it is not a regular file, or it holds more than the bound. */
export class FileShapeError extends Error {
  public constructor(
    message: string,
    /** `not-regular` or `too-large`. */
    public readonly reason: 'not-regular' | 'too-large',
  ) {
    super(message);
    this.name = 'FileShapeError';
  }
}

/**
 * Reads a regular file of at most `maxBytes` bytes, and nothing else: a device (`/dev/zero`,
 * `/dev/urandom`), a FIFO or a socket is refused without reading (the open does not wait for a FIFO's
 * writer), and a file that holds more than `maxBytes` (or grows past it while read) is refused after
 * reading at most one byte more. File system errors (ENOENT, EACCES, EISDIR) are thrown as they come.
 *
 * @throws FileShapeError with a message such as "is a character device, not a regular file".
 */
export function readBoundedFile(path: string, maxBytes: number): Buffer {
  const fd = openSync(path, constants.O_RDONLY | constants.O_NONBLOCK);
  try {
    const stat = fstatSync(fd);
    if (stat.isDirectory()) throw Object.assign(new Error(`${path} is a directory`), { code: 'EISDIR' });
    if (!stat.isFile()) throw new FileShapeError(`is ${specialKind(stat)}, not a regular file`, 'not-regular');
    if (stat.size > maxBytes) throw new FileShapeError(`is ${stat.size} bytes, more than the ${maxBytes} allowed`, 'too-large');
    const chunks: Buffer[] = [];
    let total = 0;
    for (;;) {
      // Never more than one byte past the bound: enough to tell a file that grew past it.
      const chunk = Buffer.alloc(Math.min(CHUNK_BYTES, maxBytes + 1 - total));
      const read = readSync(fd, chunk, 0, chunk.length, null);
      if (read === 0) return Buffer.concat(chunks, total);
      chunks.push(chunk.subarray(0, read));
      total += read;
      if (total > maxBytes) throw new FileShapeError(`holds more than the ${maxBytes} bytes allowed`, 'too-large');
    }
  } finally {
    closeSync(fd);
  }
}

function specialKind(stat: Stats): string {
  if (stat.isCharacterDevice()) return 'a character device';
  if (stat.isBlockDevice()) return 'a block device';
  if (stat.isFIFO()) return 'a FIFO (named pipe)';
  if (stat.isSocket()) return 'a socket';
  return 'a special file';
}
