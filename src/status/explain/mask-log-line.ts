/**
 * Makes a line read from a container log or an Event safe to print: passwords in URLs, `password=…`,
 * `"token": "…"` and `Bearer …` values are replaced by the masks of the shared {@link SecretMasker} (equal
 * secrets look equal), terminal control sequences are dropped (a log must not drive the terminal), and the
 * line is cut to a readable length. Values read from Secrets are masked when the line is printed, whatever
 * their key (src/redact/).
 */
import { maskUrlPasswords, type SecretMasker } from '../../diff/mask-secrets.js';
import { cutWithoutSplittingSecrets, protectText } from '../../redact/session.js';

/** Longest line printed; longer ones end with `…`. */
export const MAX_PRINTED_LINE = 400;

/**
 * `password=x`, `PASSWORD: x`, `"db_password":"x"`, `secret_key_base=x`: the key, its separator (with
 * optional quotes), and the value up to white space, a quote or a separator. Only `:` and `=` separate, so
 * prose such as `password authentication failed` stays readable; MySQL's `(using password: YES)` is kept.
 */
const KEY_VALUE = /((?:pass(?:word|wd)?|pwd|secret(?:[_-]?key(?:[_-]?base)?)?|token|api[_-]?key|credentials?)["']?\s*[:=]\s*["']?)(?!(?:YES|NO)\b)([^\s"',;&}]+)/gi;
const BEARER = /(\b(?:Bearer|Basic)\s+)([A-Za-z0-9._~+/=-]+)/g;
/** ANSI escape sequences and every other control character but tab. */
const CONTROL = /\u001b\[[0-9;?]*[ -/]*[@-~]|[\u0000-\u0008\u000b-\u001f\u007f-\u009f]/g;

/** The line as it may be printed. */
export function maskLogLine(line: string, masker: SecretMasker): string {
  // Values read from Secrets first, whole: the rules below stop at a comma or a blank and would leave the
  // rest of such a value readable.
  let out = protectText(line.replace(CONTROL, ''));
  out = maskUrlPasswords(out, masker);
  out = out.replace(BEARER, (_all, lead: string, value: string) => `${lead}${masker.maskText(value)}`);
  out = out.replace(KEY_VALUE, (all, lead: string, value: string) => (/^\++$/.test(value) ? all : `${lead}${masker.maskText(value)}`));
  // Cut before a secret value of this run rather than through it: printing masks it whole (src/redact/).
  return cutWithoutSplittingSecrets(out.trim(), MAX_PRINTED_LINE);
}
