/**
 * A path or value as one word of a POSIX shell command line: as it is when it holds only characters a shell
 * leaves alone, otherwise in single quotes (a quote inside written `'\''`), so advice can be pasted as printed.
 */
export function shellWord(value: string): string {
  if (/^[A-Za-z0-9_./:=@%+,-]+$/.test(value)) return value;
  return `'${value.replaceAll("'", `'\\''`)}'`;
}
