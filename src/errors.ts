/**
 * Errors a user can cause (a bad plan file, a missing object, a refused API call).
 *
 * The CLI prints `message` alone, one sentence, and exits with `exitCode` (2, like `kubectl diff` does for
 * errors). Anything that is not a `UserError` is a bug in this tool and keeps its stack trace.
 */
export class UserError extends Error {
  /** Marker so `isUserError` works across duplicated module copies. */
  private static readonly MARKER = Symbol.for('threescale-migrate.UserError');

  /** Tells whether a thrown value is a user error. */
  public static isUserError(x: unknown): x is UserError {
    return typeof x === 'object' && x !== null && (x as Record<symbol, unknown>)[UserError.MARKER] === true;
  }

  public readonly exitCode: number = 2;

  public constructor(message: string) {
    super(message);
    this.name = 'UserError';
    Object.defineProperty(this, UserError.MARKER, { value: true });
  }
}
