/**
 * The one redaction point of a command run: whatever reads objects hands the Secrets it read to
 * {@link rememberSecretValues} (through `rememberSecretsOf`), and everything the CLI prints — reports as
 * text or JSON, explanations, errors, internal errors — goes through {@link redactText} or
 * {@link redactJson} just before it is written.
 *
 * The state is kept on `globalThis` under a registered symbol, not in a module variable: the CLI is split
 * into bundles that each hold their own copy of this module (see build-tools/bundle-cli.mjs), and a
 * Secret read by a lazily loaded command must be masked in the error the start-up bundle prints.
 *
 * A session exists only while the CLI runs a command (`main` starts and ends it); outside one (library
 * calls, tests of the library) nothing is remembered and every function returns its input.
 */
import { Redactor } from './redactor.js';

const KEY = Symbol.for('threescale-migrate.redaction-session');

type Holder = { [KEY]?: Redactor };

function current(): Redactor | undefined {
  return (globalThis as Holder)[KEY];
}

/** Starts a command run: forgets the secrets and the mask numbers of any earlier run in this process. */
export function startRedactionSession(): void {
  (globalThis as Holder)[KEY] = new Redactor();
}

/** Ends the command run: what it read is forgotten. */
export function endRedactionSession(): void {
  delete (globalThis as Holder)[KEY];
}

/** Adds secret values (bytes) read by this run. */
export function rememberSecretValues(values: readonly Uint8Array[]): void {
  const redactor = current();
  if (redactor) for (const v of values) redactor.add(v);
}

/** `text` with every secret value read by this run masked. */
export function redactText(text: string): string {
  return current()?.text(text) ?? text;
}

/** A copy of a JSON value with every secret value read by this run masked in its strings and keys. */
export function redactJson(value: unknown): unknown {
  return current()?.json(value) ?? value;
}

/**
 * `text` with every secret value of this run replaced by an opaque token that printing masks: for text
 * that other masking rules rewrite before printing (log lines, compared objects), so that no rule can cut a
 * value in two and leave part of it readable.
 */
export function protectText(text: string): string {
  return current()?.protect(text) ?? text;
}

/**
 * {@link protectText} for text a script may have cut inside a secret (evidence results are cut at a fixed
 * length): a trailing start of a secret value, at least 8 characters, is protected too.
 */
export function protectCutText(text: string): string {
  return current()?.protectCut(text) ?? text;
}

/** {@link protectText} for every string of a JSON value (keys too unless `keys` is false). */
export function protectJson<T>(value: T, options: { readonly keys?: boolean } = {}): T {
  const redactor = current();
  return redactor ? (redactor.protectJson(value, options.keys ?? true) as T) : value;
}

/**
 * `text` cut to at most `max` characters (ending with `…` when cut), never inside a secret value of this
 * run, so the secret is masked whole when printed instead of leaving its first characters.
 */
export function cutWithoutSplittingSecrets(text: string, max: number): string {
  if (text.length <= max) return text;
  return `${text.slice(0, current()?.cutPoint(text, max - 1) ?? max - 1)}…`;
}
