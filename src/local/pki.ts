// The embedded control plane's certificates: a CA, the apiserver's serving certificate (valid for
// 127.0.0.1 and the in-cluster names), an admin client certificate in system:masters, and the
// service-account signing key pair. Made in-process (src/pki), so no openssl is needed.

import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { createCa, signLeaf, type LeafSpec } from '../pki/certificates.js';
import { generateKeyPair, privateKeyToPem, publicKeyToPem } from '../pki/keys.js';

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

const DAY = 24 * 60 * 60 * 1000;
/** A local cluster is not rotated: its certificates outlive it. */
const LIFETIME_MS = 3650 * DAY;
/** A clock a little behind still accepts them. */
const BACKDATE_MS = 60 * 60 * 1000;

/** The names a client may use for the apiserver: loopback, and what pods see (10.96.0.1). */
export const APISERVER_DNS_NAMES = ['localhost', 'kubernetes', 'kubernetes.default', 'kubernetes.default.svc', 'kubernetes.default.svc.cluster.local'];
export const APISERVER_IP_ADDRESSES = ['127.0.0.1', '10.96.0.1'];

/**
 * Creates the certificates and keys, unless every file is there already: a restarted cluster
 * keeps trusting its kubeconfig.
 */
export async function ensurePki(dir: string, now = new Date()): Promise<Pki> {
  const pki = pkiPaths(dir);
  if (Object.values(pki).every(existsSync)) return pki;
  mkdirSync(dir, { recursive: true, mode: 0o700 });
  const validity = { notBefore: new Date(now.getTime() - BACKDATE_MS), notAfter: new Date(now.getTime() + LIFETIME_MS) };

  const caKeys = await generateKeyPair();
  const caCert = await createCa({ commonName: 'berth-local-ca' }, validity, caKeys);
  writeKey(pki.caKey, privateKeyToPem(caKeys.privateKey));
  writeFileSync(pki.caCert, caCert);
  const issuer = { certificate: caCert, privateKey: caKeys.privateKey };
  const leaf = async (spec: Omit<LeafSpec, 'notBefore' | 'notAfter'>, certFile: string, keyFile: string) => {
    const keys = await generateKeyPair();
    writeKey(keyFile, privateKeyToPem(keys.privateKey));
    writeFileSync(certFile, await signLeaf({ ...spec, ...validity }, keys.publicKey, issuer));
  };
  await leaf({ subject: { commonName: 'kube-apiserver' }, usage: 'server', dnsNames: APISERVER_DNS_NAMES, ipAddresses: APISERVER_IP_ADDRESSES }, pki.serverCert, pki.serverKey);
  await leaf({ subject: { commonName: 'berth-admin', organizations: ['system:masters'] }, usage: 'client' }, pki.adminCert, pki.adminKey);

  const serviceAccount = await generateKeyPair();
  writeKey(pki.serviceAccountKey, privateKeyToPem(serviceAccount.privateKey));
  writeFileSync(pki.serviceAccountPub, publicKeyToPem(serviceAccount.publicKey));
  return pki;
}

function writeKey(path: string, pem: string): void {
  writeFileSync(path, pem, { mode: 0o600 });
}
