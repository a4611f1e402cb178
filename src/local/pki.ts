import { execFile } from 'node:child_process';
import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { promisify } from 'node:util';

const run = promisify(execFile);

/** File paths of the local cluster's certificates and keys. */
export interface Pki {
  caCert: string;
  caKey: string;
  serverCert: string;
  serverKey: string;
  adminCert: string;
  adminKey: string;
  serviceAccountKey: string;
  serviceAccountPub: string;
}

export function pkiPaths(dir: string): Pki {
  const p = (name: string) => join(dir, name);
  return {
    caCert: p('ca.crt'), caKey: p('ca.key'),
    serverCert: p('apiserver.crt'), serverKey: p('apiserver.key'),
    adminCert: p('admin.crt'), adminKey: p('admin.key'),
    serviceAccountKey: p('sa.key'), serviceAccountPub: p('sa.pub'),
  };
}

async function openssl(args: string[], cwd: string): Promise<void> {
  try {
    await run('openssl', args, { cwd });
  } catch (err) {
    const e = err as { stderr?: string; code?: string };
    if (e.code === 'ENOENT') throw new Error('openssl is needed to create the local cluster certificates; install it (apt-get install openssl)', { cause: err });
    throw new Error(`openssl ${args[0]} failed: ${e.stderr ?? String(err)}`, { cause: err });
  }
}

/** Signs a leaf certificate with the CA. `extensions` is an openssl extension section body. */
export async function signLeaf(dir: string, ca: { cert: string; key: string }, name: string, subject: string, extensions: string): Promise<{ cert: string; key: string }> {
  const key = join(dir, `${name}.key`);
  const csr = join(dir, `${name}.csr`);
  const cert = join(dir, `${name}.crt`);
  const ext = join(dir, `${name}.ext`);
  writeFileSync(ext, extensions);
  await openssl(['req', '-newkey', 'rsa:2048', '-nodes', '-subj', subject, '-keyout', key, '-out', csr], dir);
  await openssl(['x509', '-req', '-in', csr, '-CA', ca.cert, '-CAkey', ca.key, '-CAcreateserial', '-days', '3650', '-out', cert, '-extfile', ext], dir);
  return { cert, key };
}

/**
 * Creates the CA, the apiserver's serving certificate (valid for 127.0.0.1 and the in-cluster
 * names), an admin client certificate in system:masters, and the service-account signing key.
 * Existing files are kept so a restarted cluster keeps trusting its kubeconfig.
 */
export async function ensurePki(dir: string): Promise<Pki> {
  const pki = pkiPaths(dir);
  if (Object.values(pki).every(existsSync)) return pki;
  mkdirSync(dir, { recursive: true, mode: 0o700 });
  await openssl(['req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-days', '3650', '-subj', '/CN=berth-local-ca', '-keyout', pki.caKey, '-out', pki.caCert], dir);
  const ca = { cert: pki.caCert, key: pki.caKey };
  await signLeaf(dir, ca, 'apiserver', '/CN=kube-apiserver',
    'subjectAltName=IP:127.0.0.1,DNS:localhost,DNS:kubernetes,DNS:kubernetes.default,DNS:kubernetes.default.svc,DNS:kubernetes.default.svc.cluster.local,IP:10.96.0.1\n' +
      'extendedKeyUsage=serverAuth\n');
  await signLeaf(dir, ca, 'admin', '/O=system:masters/CN=berth-admin', 'extendedKeyUsage=clientAuth\n');
  await openssl(['genrsa', '-out', pki.serviceAccountKey, '2048'], dir);
  await openssl(['rsa', '-in', pki.serviceAccountKey, '-pubout', '-out', pki.serviceAccountPub], dir);
  return pki;
}
