/**
 * Specification of src/util/read-bounded-file.ts and of the inputs read through it (issue 15): `-c`, the
 * `--from-file` export and `--kubeconfig` pointing at `/dev/zero`, `/dev/urandom` or a FIFO used to grow
 * memory without end or block; each is now refused at once in one sentence naming the path (exit 2), and a
 * regular file is read only up to its bound.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, test } from 'vitest';
import { FileShapeError, readBoundedFile } from '../../src/util/read-bounded-file.js';
import { runCli } from '../support/cli.js';

let dir: string;
let fifo: string;

beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'bounded-'));
  fifo = join(dir, 'plan.fifo');
  const made = spawnSync('mkfifo', [fifo]);
  if (made.status !== 0) throw new Error(`mkfifo is needed for these tests (coreutils): ${String(made.stderr)}`);
});

/** The FileShapeError a read ends in. */
function shapeError(path: string, max: number): FileShapeError {
  try {
    readBoundedFile(path, max);
  } catch (err) {
    expect(err).toBeInstanceOf(FileShapeError);
    return err as FileShapeError;
  }
  throw new Error('the file was read');
}

describe('readBoundedFile', () => {
  test('GIVEN a regular file within the bound WHEN read THEN its bytes; exactly at the bound too', () => {
    const file = join(dir, 'small.yaml');
    writeFileSync(file, 'a: 1\n');
    expect(readBoundedFile(file, 1024).toString()).toBe('a: 1\n');
    expect(readBoundedFile(file, 5).toString()).toBe('a: 1\n');
  });

  test('GIVEN a regular file one byte over the bound WHEN read THEN refused as too large', () => {
    const file = join(dir, 'big.yaml');
    writeFileSync(file, 'x'.repeat(200_001));
    expect(shapeError(file, 200_000)).toMatchObject({ reason: 'too-large', message: 'is 200001 bytes, more than the 200000 allowed' });
  });

  test.each([
    ['/dev/zero', 'is a character device, not a regular file'],
    ['/dev/urandom', 'is a character device, not a regular file'],
  ])('GIVEN %s WHEN read THEN refused without reading', (path, message) => {
    expect(shapeError(path, 1024)).toMatchObject({ reason: 'not-regular', message });
  });

  test('GIVEN a FIFO without a writer WHEN read THEN refused at once, without waiting for a writer', () => {
    expect(shapeError(fifo, 1024)).toMatchObject({ reason: 'not-regular', message: 'is a FIFO (named pipe), not a regular file' });
  });

  test('GIVEN a folder or a missing path WHEN read THEN the file system error comes through (EISDIR, ENOENT)', () => {
    expect(() => readBoundedFile(dir, 10)).toThrow(expect.objectContaining({ code: 'EISDIR' }));
    expect(() => readBoundedFile(join(dir, 'missing'), 10)).toThrow(expect.objectContaining({ code: 'ENOENT' }));
  });
});

describe('the CLI given a device or a FIFO as a file', () => {
  test.each([['/dev/zero'], ['/dev/urandom'], ['FIFO']])('GIVEN plan -c %s WHEN run THEN exit 2 in one sentence naming it', async (which) => {
    const path = which === 'FIFO' ? fifo : which;
    const run = await runCli(['plan', '-c', path]);
    expect(run.code).toBe(2);
    const kind = which === 'FIFO' ? 'a FIFO (named pipe)' : 'a character device';
    expect(run.stderr).toBe(`error: ${path}: is ${kind}, not a regular file; expected a plan file such as migration.yaml of at most 1048576 bytes.\n`);
  });

  test('GIVEN discover --from-file /dev/urandom and a FIFO WHEN run THEN exit 2 naming the file', async () => {
    const device = await runCli(['discover', '--from-file', '/dev/urandom', '--out', '-']);
    const pipe = await runCli(['discover', '--from-file', fifo, '--out', '-']);
    expect(device.code).toBe(2);
    expect(device.stderr).toBe('error: file /dev/urandom is a character device, not a regular file\n');
    expect(pipe.code).toBe(2);
    expect(pipe.stderr).toBe(`error: file ${fifo} is a FIFO (named pipe), not a regular file\n`);
  });

  test('GIVEN discover --kubeconfig /dev/zero WHEN run THEN exit 2 naming the kubeconfig', async () => {
    const run = await runCli(['discover', '--kubeconfig', '/dev/zero', '--out', '-']);
    expect(run.code).toBe(2);
    expect(run.stderr).toBe('error: cannot read kubeconfig /dev/zero: it is a character device, not a regular file\n');
  });
});
