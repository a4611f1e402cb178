// The webhook's certificates: a CA, whose certificate the apiserver is given as the caBundle of
// the webhook configurations, and the serving certificate it signs. Each is renewed once two
// thirds of its life have passed, so a renewal has a third of a lifetime to reach every replica
// and the apiserver before the old one expires.
//
// When the CA itself is renewed, the previous CA stays in the caBundle until it expires: a
// replica that has not picked up the new serving certificate yet is still trusted. And the new CA
// is first only trusted: the serving certificate of the previous CA stays in use for
// CA_HANDOVER_MS, so the apiserver has the new caBundle before it meets a certificate the new CA
// signed (swapping both at once would fail closed until the apiserver caught up).

import { X509Certificate, createPrivateKey, type KeyObject } from 'node:crypto';
import { createCa, signLeaf } from '../pki/certificates.js';
import { generateKeyPair, keyPairFromPem, privateKeyToPem } from '../pki/keys.js';

export interface CertificateBundle {
  caCert: string;
  caKey: string;
  /** The CA before the last CA renewal, trusted until it expires. */
  previousCaCert?: string;
  /** The serving certificate and its key. */
  cert: string;
  key: string;
}

/** What the serving certificate must cover, and how long certificates live. */
export interface CertificateNeeds {
  dnsNames: string[];
  ipAddresses: string[];
  caLifetimeMs: number;
  servingLifetimeMs: number;
}

const DAY = 24 * 60 * 60 * 1000;
export const CA_LIFETIME_MS = 3650 * DAY;
export const SERVING_LIFETIME_MS = 90 * DAY;

/** Certificates start an hour in the past, so a clock a little behind still accepts them. */
const BACKDATE_MS = 60 * 60 * 1000;

/**
 * How long a new CA is trusted before a certificate it signs is served. Shorter than the check
 * interval (10 minutes), so the check after a CA renewal swaps the serving certificate.
 */
export const CA_HANDOVER_MS = 5 * 60 * 1000;

/**
 * What has to be made anew: nothing, the serving certificate, or the CA (and the serving
 * certificate, unless the previous CA's one can stay for the handover).
 */
export type Renewal = 'none' | 'serving' | 'all';

export function renewalNeeded(bundle: CertificateBundle | undefined, needs: CertificateNeeds, now: Date): Renewal {
  if (!bundle) return 'all';
  let ca: X509Certificate;
  let serving: Serving;
  try {
    ca = new X509Certificate(bundle.caCert);
    if (!isP256(ca.publicKey) || !ca.checkPrivateKey(createPrivateKey(bundle.caKey))) return 'all';
    serving = { cert: new X509Certificate(bundle.cert), key: createPrivateKey(bundle.key) };
  } catch {
    return 'all'; // unreadable: start over
  }
  if (now >= renewalTime(ca)) return 'all';
  if (servingUsable(serving, ca, needs, now)) return 'none';
  const previous = readable(bundle.previousCaCert);
  const handingOver = previous !== undefined && now.getTime() < madeAt(ca).getTime() + CA_HANDOVER_MS;
  return handingOver && servingUsable(serving, previous, needs, now) ? 'none' : 'serving';
}

/** The bundle with what `renewal` names made anew. */
export async function renew(bundle: CertificateBundle | undefined, renewal: Renewal, needs: CertificateNeeds, now: Date): Promise<CertificateBundle> {
  if (renewal === 'none' && bundle) return bundle;
  const notBefore = new Date(now.getTime() - BACKDATE_MS);
  let { caCert, caKey, previousCaCert } = bundle ?? {};
  if (renewal === 'all' || !caCert || !caKey) {
    const keys = await generateKeyPair();
    previousCaCert = bundle && stillValid(bundle.caCert, now) ? bundle.caCert : undefined;
    caKey = privateKeyToPem(keys.privateKey);
    // A name per CA, so that two generations are told apart in logs and by openssl.
    const commonName = `berth-webhook-ca@${Math.floor(now.getTime() / 1000)}`;
    caCert = await createCa({ commonName }, { notBefore, notAfter: new Date(now.getTime() + needs.caLifetimeMs) }, keys);
    if (bundle && previousCaCert && servingUsableIn(bundle, previousCaCert, needs, now)) {
      return { caCert, caKey, previousCaCert, cert: bundle.cert, key: bundle.key };
    }
  }
  const caNotAfter = expiry(caCert);
  const servingEnd = new Date(Math.min(now.getTime() + needs.servingLifetimeMs, caNotAfter.getTime()));
  const keys = await generateKeyPair();
  const cert = await signLeaf(
    { subject: { commonName: 'berth-webhook' }, usage: 'server', notBefore, notAfter: servingEnd, dnsNames: needs.dnsNames, ipAddresses: needs.ipAddresses },
    keys.publicKey,
    { certificate: caCert, privateKey: (await keyPairFromPem(caKey)).privateKey },
  );
  return { caCert, caKey, ...(previousCaCert ? { previousCaCert } : {}), cert, key: privateKeyToPem(keys.privateKey) };
}

/** The PEM the apiserver trusts: the CA, then the previous CA while it is valid. */
export function caBundle(bundle: CertificateBundle, now: Date): string {
  const previous = bundle.previousCaCert && stillValid(bundle.previousCaCert, now) ? [bundle.previousCaCert] : [];
  // One certificate per block, each ending in a newline, whatever wrote them.
  return [bundle.caCert, ...previous].map((pem) => `${pem.trimEnd()}\n`).join('');
}

export function expiry(pem: string): Date {
  return new Date(new X509Certificate(pem).validTo);
}

/** When a CA was made: certificates here are backdated by BACKDATE_MS. */
function madeAt(ca: X509Certificate): Date {
  return new Date(new Date(ca.validFrom).getTime() + BACKDATE_MS);
}

interface Serving {
  cert: X509Certificate;
  key: KeyObject;
}

/** The serving certificate may go on being served under this CA: signed by it, not due, its names. */
function servingUsable(serving: Serving, ca: X509Certificate, needs: CertificateNeeds, now: Date): boolean {
  return (
    serving.cert.checkIssued(ca) &&
    serving.cert.verify(ca.publicKey) &&
    serving.cert.checkPrivateKey(serving.key) &&
    now < renewalTime(serving.cert) &&
    covers(serving.cert, needs)
  );
}

function servingUsableIn(bundle: CertificateBundle, caPem: string, needs: CertificateNeeds, now: Date): boolean {
  const ca = readable(caPem);
  try {
    return ca !== undefined && servingUsable({ cert: new X509Certificate(bundle.cert), key: createPrivateKey(bundle.key) }, ca, needs, now);
  } catch {
    return false;
  }
}

function readable(pem: string | undefined): X509Certificate | undefined {
  try {
    return pem ? new X509Certificate(pem) : undefined;
  } catch {
    return undefined;
  }
}

/** When two thirds of the certificate's life have passed. */
export function renewalTime(cert: X509Certificate): Date {
  const start = new Date(cert.validFrom).getTime();
  const end = new Date(cert.validTo).getTime();
  return new Date(start + ((end - start) * 2) / 3);
}

function stillValid(pem: string, now: Date): boolean {
  try {
    return expiry(pem) > now;
  } catch {
    return false;
  }
}

// Certificates are signed with ECDSA P-256 here; a CA with another key is replaced.
function isP256(key: KeyObject): boolean {
  return key.asymmetricKeyType === 'ec' && key.asymmetricKeyDetails?.namedCurve === 'prime256v1';
}

function covers(cert: X509Certificate, needs: CertificateNeeds): boolean {
  return (
    needs.dnsNames.every((name) => cert.checkHost(name, { subject: 'never', wildcards: false }) === name) &&
    needs.ipAddresses.every((ip) => cert.checkIP(ip) !== undefined)
  );
}
