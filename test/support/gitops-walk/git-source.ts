/**
 * The Git side of a GitOps walk: a repository in a temp folder where every promotion is one commit, and a
 * loopback HTTP server that serves each commit as the tar.gz artifact source-controller would produce
 * (`<branch>@sha1:<commit>`, sha256 digest), so an engine sees a new revision exactly as in production.
 */
import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { mkdirSync, readFileSync, statSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import { join } from 'node:path';

/** One commit as a source artifact (the fields of source-controller's `status.artifact`). */
export interface SourceArtifact {
  readonly commit: string;
  readonly revision: string;
  readonly path: string;
  readonly url: string;
  readonly digest: string;
  readonly size: number;
}

const git = (dir: string, args: readonly string[]): string =>
  execFileSync('git', ['-c', 'user.name=walk', '-c', 'user.email=walk@example.invalid', '-c', 'commit.gpgsign=false', ...args], { cwd: dir, encoding: 'utf8' }).trim();

export class GitSource {
  private server: Server | undefined;
  private base = '';
  private readonly artifacts: string;

  public constructor(
    /** The repository's work tree. */
    public readonly dir: string,
    public readonly branch = 'main',
  ) {
    this.artifacts = join(dir, '..', 'artifacts');
    mkdirSync(this.artifacts, { recursive: true });
    mkdirSync(dir, { recursive: true });
    git(dir, ['init', '-q', '-b', branch]);
  }

  /** Starts the artifact server on a free loopback port. */
  public async serve(): Promise<void> {
    this.server = createServer((req, res) => {
      const name = (req.url ?? '').split('/').pop() ?? '';
      if (!/^[0-9a-f]{40}\.tar\.gz$/.test(name)) {
        res.writeHead(404).end();
        return;
      }
      try {
        const body = readFileSync(join(this.artifacts, name));
        res.writeHead(200, { 'Content-Type': 'application/gzip', 'Content-Length': body.length }).end(body);
      } catch {
        res.writeHead(404).end();
      }
    });
    await new Promise<void>((resolve) => this.server!.listen(0, '127.0.0.1', resolve));
    const address = this.server.address();
    if (!address || typeof address !== 'object') throw new Error('artifact server has no address');
    this.base = `http://127.0.0.1:${address.port}`;
  }

  /** Commits the whole work tree and packs that commit as an artifact. */
  public commit(message: string): SourceArtifact {
    git(this.dir, ['add', '-A']);
    git(this.dir, ['commit', '-q', '--allow-empty', '-m', message]);
    const commit = git(this.dir, ['rev-parse', 'HEAD']);
    const file = join(this.artifacts, `${commit}.tar.gz`);
    execFileSync('git', ['archive', '--format=tar.gz', '-o', file, commit], { cwd: this.dir });
    const digest = `sha256:${createHash('sha256').update(readFileSync(file)).digest('hex')}`;
    return { commit, revision: `${this.branch}@sha1:${commit}`, path: `gitrepository/walk/${commit}.tar.gz`, url: `${this.base}/${commit}.tar.gz`, digest, size: statSync(file).size };
  }

  public async close(): Promise<void> {
    await new Promise<void>((resolve) => (this.server ? this.server.close(() => resolve()) : resolve()));
  }
}
