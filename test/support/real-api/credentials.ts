/**
 * The secrets a test API server is started with, written into its temp folder: the service-account signing key
 * pair (so the TokenRequest API can issue tokens) and the static token file that makes the admin a member of
 * system:masters. The serving certificate is the one kube-apiserver generates itself in --cert-dir for its
 * advertise address (127.0.0.1), signed by a CA it writes after the certificate in the same file.
 */
import { generateKeyPairSync, randomBytes } from 'node:crypto';
import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';

/** The files kube-apiserver reads (paths) and the admin's token. */
export interface ServerCredentials {
  readonly serviceAccountPublicKeyFile: string;
  readonly serviceAccountSigningKeyFile: string;
  readonly tokenAuthFile: string;
  readonly adminToken: string;
}

/** The name of the admin in the static token file. */
export const ADMIN_USER = 'threescale-migrate-test-admin';

/** Writes the key pair and the token file into `dir`. */
export async function writeServerCredentials(dir: string): Promise<ServerCredentials> {
  const { privateKey, publicKey } = generateKeyPairSync('ec', { namedCurve: 'prime256v1' });
  const serviceAccountSigningKeyFile = join(dir, 'sa.key');
  const serviceAccountPublicKeyFile = join(dir, 'sa.pub');
  await writeFile(serviceAccountSigningKeyFile, privateKey.export({ type: 'pkcs8', format: 'pem' }), { mode: 0o600 });
  await writeFile(serviceAccountPublicKeyFile, publicKey.export({ type: 'spki', format: 'pem' }));
  const adminToken = randomBytes(24).toString('hex');
  const tokenAuthFile = join(dir, 'tokens.csv');
  await writeFile(tokenAuthFile, `${adminToken},${ADMIN_USER},${ADMIN_USER},"system:masters"\n`, { mode: 0o600 });
  return { serviceAccountPublicKeyFile, serviceAccountSigningKeyFile, tokenAuthFile, adminToken };
}

/** The CA that signed the serving certificate kube-apiserver generated: the last PEM block of `<certDir>/apiserver.crt`. */
export async function servingCaOf(certDir: string): Promise<string> {
  const chain = await readFile(join(certDir, 'apiserver.crt'), 'utf8');
  const blocks = chain.match(/-----BEGIN CERTIFICATE-----[\s\S]+?-----END CERTIFICATE-----\n?/g) ?? [];
  const ca = blocks.at(-1);
  if (!ca || blocks.length < 2) throw new Error(`${certDir}/apiserver.crt holds ${blocks.length} certificate(s); expected the serving certificate followed by its CA`);
  return ca.endsWith('\n') ? ca : `${ca}\n`;
}
