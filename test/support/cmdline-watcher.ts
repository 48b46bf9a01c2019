/**
 * A witness for secrets in argument lists: reads /proc/<pid>/cmdline of every process, as fast as it can,
 * while scripts run, and keeps each distinct argument list it saw.
 */
import { readdir, readFile } from 'node:fs/promises';

export class CmdlineWatcher {
  public readonly seen = new Set<string>();
  public sweeps = 0;
  private running = false;
  private done: Promise<void> | undefined;

  public start(): void {
    this.running = true;
    this.done = this.loop();
  }

  public async stop(): Promise<void> {
    this.running = false;
    await this.done;
  }

  private async loop(): Promise<void> {
    while (this.running) {
      const pids = (await readdir('/proc')).filter((p) => /^\d+$/.test(p));
      await Promise.all(
        pids.map(async (pid) => {
          try {
            const raw = await readFile(`/proc/${pid}/cmdline`);
            if (raw.length) this.seen.add(raw.toString('utf8').replace(/\0/g, ' ').trim());
          } catch {
            // the process ended between the listing and the read
          }
        }),
      );
      this.sweeps += 1;
    }
  }
}
