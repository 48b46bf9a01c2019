/** Running the server's own kubectl (same release) with a kubeconfig, as a test or a Job's script would. */
import { spawn } from 'node:child_process';
import { dirname } from 'node:path';

/** What kubectl did. */
export interface KubectlResult {
  readonly code: number | null;
  readonly stdout: string;
  readonly stderr: string;
}

/** Runs `kubectl args` with KUBECONFIG and an optional stdin; never rejects on a non-zero exit. */
export function runKubectl(kubectl: string, kubeconfig: string, args: readonly string[], input?: string): Promise<KubectlResult> {
  return new Promise((resolve, reject) => {
    const env = { PATH: `${dirname(kubectl)}:${process.env.PATH ?? '/usr/bin:/bin'}`, HOME: process.env.HOME ?? '/root', KUBECONFIG: kubeconfig, KUBECACHEDIR: `${dirname(kubeconfig)}/kubectl-cache` };
    const child = spawn(kubectl, [...args], { env, stdio: ['pipe', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    const timer = setTimeout(() => child.kill('SIGKILL'), 60_000);
    child.on('error', reject);
    child.on('close', (code) => {
      clearTimeout(timer);
      resolve({ code, stdout, stderr });
    });
    child.stdin.on('error', () => undefined);
    child.stdin.end(input ?? '');
  });
}
