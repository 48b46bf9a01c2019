/**
 * Writing what a command prints: always through the redaction of this run (session.ts), so no command
 * writes to stdout or stderr around it.
 */
import { redactJson, redactText } from './session.js';

/** Prints text on stdout, every secret value read by this run masked. */
export function printText(text: string): void {
  process.stdout.write(redactText(text));
}

/**
 * Prints a JSON document on stdout: the value is masked first (every string and key), then rendered, so a
 * secret that happens to look like JSON syntax cannot break the document.
 */
export function printJson<T>(value: T, render: (value: T) => string): void {
  process.stdout.write(render(redactJson(value) as T));
}

/** Prints one line on stderr, masked. */
export function printErrorLine(line: string): void {
  process.stderr.write(`${redactText(line)}\n`);
}
