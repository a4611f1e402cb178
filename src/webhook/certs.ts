// The webhook's certificates: a CA, whose certificate the apiserver is given as the caBundle of
// the webhook configurations, and the serving certificate it signs. Each is renewed once two
// thirds of its life have passed, so a renewal has a third of a lifetime to reach every replica
// and the apiserver before the old one expires.
//
// When the CA itself is renewed, the previous CA stays in the caBundle until it expires: a
// replica that has not picked up the new serving certificate yet is still trusted.

import { X509Certificate } from 'node:crypto';
import { generateKey, keyFromPem, keyToPem, publicKeyOf, selfSignedCertificate, signedCertificate } from './x509.js';

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

/** What has to be made anew: nothing, the serving certificate, or the CA and the serving certificate. */
export type Renewal = 'none' | 'serving' | 'all';

export function renewalNeeded(bundle: CertificateBundle | undefined, needs: CertificateNeeds, now: Date): Renewal {
  if (!bundle) return 'all';
  let ca: X509Certificate;
  let serving: X509Certificate;
  try {
    ca = new X509Certificate(bundle.caCert);
    serving = new X509Certificate(bundle.cert);
    keyFromPem(bundle.caKey);
    keyFromPem(bundle.key);
  } catch {
    return 'all'; // unreadable: start over
  }
  if (now >= renewalTime(ca)) return 'all';
  if (!serving.checkIssued(ca) || !serving.verify(ca.publicKey)) return 'serving';
  if (now >= renewalTime(serving)) return 'serving';
  if (!covers(serving, needs)) return 'serving';
  return 'none';
}

/** The bundle with what `renewal` names made anew. */
export function renew(bundle: CertificateBundle | undefined, renewal: Renewal, needs: CertificateNeeds, now: Date): CertificateBundle {
  if (renewal === 'none' && bundle) return bundle;
  const notBefore = new Date(now.getTime() - BACKDATE_MS);
  let { caCert, caKey, previousCaCert } = bundle ?? {};
  if (renewal === 'all' || !caCert || !caKey) {
    const key = generateKey();
    previousCaCert = bundle && stillValid(bundle.caCert, now) ? bundle.caCert : undefined;
    caKey = keyToPem(key);
    // A name per CA, so that two generations are told apart in logs and by openssl.
    const commonName = `berth-webhook-ca@${Math.floor(now.getTime() / 1000)}`;
    caCert = selfSignedCertificate({ commonName, notBefore, notAfter: new Date(now.getTime() + needs.caLifetimeMs), ca: true }, key);
  }
  const caNotAfter = expiry(caCert);
  const servingEnd = new Date(Math.min(now.getTime() + needs.servingLifetimeMs, caNotAfter.getTime()));
  const key = generateKey();
  const cert = signedCertificate(
    { commonName: 'berth-webhook', notBefore, notAfter: servingEnd, dnsNames: needs.dnsNames, ipAddresses: needs.ipAddresses },
    publicKeyOf(key),
    { certificate: caCert, key: keyFromPem(caKey) },
  );
  return { caCert, caKey, ...(previousCaCert ? { previousCaCert } : {}), cert, key: keyToPem(key) };
}

/** The PEM the apiserver trusts: the CA, then the previous CA while it is valid. */
export function caBundle(bundle: CertificateBundle, now: Date): string {
  const previous = bundle.previousCaCert && stillValid(bundle.previousCaCert, now) ? bundle.previousCaCert : '';
  return bundle.caCert + previous;
}

export function expiry(pem: string): Date {
  return new Date(new X509Certificate(pem).validTo);
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

function covers(cert: X509Certificate, needs: CertificateNeeds): boolean {
  return (
    needs.dnsNames.every((name) => cert.checkHost(name, { subject: 'never', wildcards: false }) === name) &&
    needs.ipAddresses.every((ip) => cert.checkIP(ip) !== undefined)
  );
}
