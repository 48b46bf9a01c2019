/**
 * Runs `work` over `items` with at most `limit` at a time, each ended after `timeoutMs` (its promise is then
 * left to settle unobserved; the caller's own request deadlines end it). Results keep the items' order;
 * a failure or timeout of one item is its result, never the others'.
 */
export async function mapBounded<T, R>(items: readonly T[], limit: number, timeoutMs: number, work: (item: T) => Promise<R>): Promise<({ ok: true; value: R } | { ok: false; error: unknown; timedOut: boolean })[]> {
  const results = new Array<{ ok: true; value: R } | { ok: false; error: unknown; timedOut: boolean }>(items.length);
  let next = 0;
  const runOne = async (i: number): Promise<void> => {
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<never>((_, reject) => {
      timer = setTimeout(() => reject(new TimeoutError(timeoutMs)), timeoutMs);
    });
    try {
      results[i] = { ok: true, value: await Promise.race([work(items[i]!), timeout]) };
    } catch (error) {
      results[i] = { ok: false, error, timedOut: error instanceof TimeoutError };
    } finally {
      clearTimeout(timer);
    }
  };
  const lane = async (): Promise<void> => {
    while (next < items.length) await runOne(next++);
  };
  await Promise.all(Array.from({ length: Math.max(1, Math.min(limit, items.length)) }, lane));
  return results;
}

/** A piece of work that did not end within its time. */
export class TimeoutError extends Error {
  public constructor(public readonly ms: number) {
    super(`no answer within ${ms / 1000} s`);
    this.name = 'TimeoutError';
  }
}
