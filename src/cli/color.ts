/**
 * Whether to color what goes to `stream`: only a terminal, and never when `NO_COLOR` is set to anything
 * but the empty string (no-color.org) or the terminal is `TERM=dumb`. Piped or redirected output (CI logs,
 * `| less`, a file) is never colored.
 */
export function colorFor(stream: { readonly isTTY?: boolean }, env: NodeJS.ProcessEnv = process.env): boolean {
  if (stream.isTTY !== true) return false;
  if (env.NO_COLOR !== undefined && env.NO_COLOR !== '') return false;
  return env.TERM !== 'dumb';
}
