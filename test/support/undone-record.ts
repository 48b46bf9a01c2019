/**
 * A step's record in an evidence file (charts/scripts/lib/evidence.sh's file sink) as a rollback leaves it:
 * kube/retire-jobs.sh sets `<step>.phase=Undone` and `<step>.result=undone by <folder>` and keeps every other key.
 */
import { readFile, writeFile } from 'node:fs/promises';

/** Marks `step`'s record in `file` Undone as retire-jobs.sh marks it in the evidence ConfigMap. */
export async function markUndone(file: string, step: string, by: string): Promise<void> {
  const lines = (await readFile(file, 'utf8')).split('\n');
  const marked = lines.map((l) => (l.startsWith(`${step}.phase=`) ? `${step}.phase=Undone` : l.startsWith(`${step}.result=`) ? `${step}.result=undone by ${by}` : l));
  if (!marked.includes(`${step}.phase=Undone`)) throw new Error(`${file} holds no record of ${step}`);
  await writeFile(file, marked.join('\n'));
}

/** The keys of `step`'s record in an evidence file, by name. */
export async function recordOf(file: string, step: string): Promise<Record<string, string>> {
  const out: Record<string, string> = {};
  for (const l of (await readFile(file, 'utf8')).split('\n')) {
    if (!l.startsWith(`${step}.`)) continue;
    const eq = l.indexOf('=');
    out[l.slice(step.length + 1, eq)] = l.slice(eq + 1);
  }
  return out;
}
