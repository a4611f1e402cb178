// Certificates, made with @peculiar/x509 on node's WebCrypto: a self-signed CA that signs only
// certificates, and the leaves it signs (TLS servers, TLS clients). Always EC P-256 keys and
// ECDSA with SHA-256 signatures. Used by the webhook and by the local control plane alike.

import { webcrypto } from 'node:crypto';
import { isIP } from 'node:net';
import type { X509Certificate } from '@peculiar/x509';
import type { Key, KeyPair } from './keys.js';
import { loadX509, type X509 } from './library.js';

export interface Subject {
  commonName: string;
  /** O= attributes; Kubernetes reads them as a client certificate's groups. */
  organizations?: readonly string[];
}

export interface Validity {
  notBefore: Date;
  notAfter: Date;
}

export interface LeafSpec extends Validity {
  subject: Subject;
  /** serverAuth or clientAuth, in the extended key usage. */
  usage: 'server' | 'client';
  dnsNames?: readonly string[];
  ipAddresses?: readonly string[];
}

/** What signing needs: the CA's certificate (PEM) and its private key. */
export interface Issuer {
  certificate: string;
  privateKey: Key;
}

// The library takes a WebCrypto implementation per call; node's is passed explicitly, so
// nothing depends on a global provider being registered.
const crypto = webcrypto as unknown as Parameters<X509['X509CertificateGenerator']['create']>[1];
const SIGNING = { name: 'ECDSA', hash: 'SHA-256' } as const;

/** A self-signed CA certificate (PEM): CA with path length 0, signs certificates and CRLs. */
export async function createCa(subject: Subject, validity: Validity, keys: KeyPair): Promise<string> {
  checkValidity(validity);
  const x509 = await loadX509();
  const cert = await x509.X509CertificateGenerator.create({
    subject: name(x509, subject),
    issuer: name(x509, subject),
    notBefore: validity.notBefore,
    notAfter: validity.notAfter,
    publicKey: keys.publicKey,
    signingKey: keys.privateKey,
    signingAlgorithm: SIGNING,
    extensions: [
      new x509.BasicConstraintsExtension(true, 0, true),
      new x509.KeyUsagesExtension(x509.KeyUsageFlags.digitalSignature | x509.KeyUsageFlags.keyCertSign | x509.KeyUsageFlags.cRLSign, true),
      await x509.SubjectKeyIdentifierExtension.create(keys.publicKey, false, crypto),
      await x509.AuthorityKeyIdentifierExtension.create(keys.publicKey, false, crypto),
    ],
  }, crypto);
  return pem(cert);
}

/** A certificate for `publicKey` signed by the issuer (PEM). */
export async function signLeaf(spec: LeafSpec, publicKey: Key, issuer: Issuer): Promise<string> {
  checkValidity(spec);
  const x509 = await loadX509();
  const ca = new x509.X509Certificate(issuer.certificate);
  const names = [
    ...(spec.dnsNames ?? []).map((value) => ({ type: 'dns' as const, value: dnsName(value) })),
    ...(spec.ipAddresses ?? []).map((value) => ({ type: 'ip' as const, value: ipAddress(value) })),
  ];
  const cert = await x509.X509CertificateGenerator.create({
    subject: name(x509, spec.subject),
    // The issuer's subject as it is encoded in its certificate: verifiers match names byte for byte.
    issuer: ca.subjectName,
    notBefore: spec.notBefore,
    notAfter: spec.notAfter,
    publicKey,
    signingKey: issuer.privateKey,
    signingAlgorithm: SIGNING,
    extensions: [
      new x509.BasicConstraintsExtension(false, undefined, true),
      new x509.KeyUsagesExtension(x509.KeyUsageFlags.digitalSignature, true),
      new x509.ExtendedKeyUsageExtension([spec.usage === 'server' ? x509.ExtendedKeyUsage.serverAuth : x509.ExtendedKeyUsage.clientAuth]),
      ...(names.length > 0 ? [new x509.SubjectAlternativeNameExtension(names)] : []),
      await x509.SubjectKeyIdentifierExtension.create(publicKey, false, crypto),
      new x509.AuthorityKeyIdentifierExtension(await keyIdentifierOf(x509, ca)),
    ],
  }, crypto);
  return pem(cert);
}

/** The CA's own key identifier, or one computed from its key when it carries none. */
async function keyIdentifierOf(x509: X509, ca: X509Certificate): Promise<string> {
  const ski = ca.getExtension(x509.SubjectKeyIdentifierExtension);
  if (ski) return ski.keyId;
  const computed = await x509.SubjectKeyIdentifierExtension.create(await ca.publicKey.export(crypto), false, crypto);
  return computed.keyId;
}

function name(x509: X509, subject: Subject) {
  // UTF8String values, as RFC 5280 asks of new certificates.
  return new x509.Name([
    ...(subject.organizations ?? []).map((o) => ({ O: [{ utf8String: o }] })),
    { CN: [{ utf8String: subject.commonName }] },
  ]);
}

/** PEM with a final newline, so that certificates concatenate into a valid bundle. */
function pem(cert: X509Certificate): string {
  return `${cert.toString('pem')}\n`;
}

function checkValidity(validity: Validity): void {
  if (!(validity.notAfter > validity.notBefore)) throw new Error('a certificate must end after it starts');
}

function dnsName(value: string): string {
  if (!/^[\x21-\x7e]+$/.test(value)) throw new Error(`not a DNS name: ${JSON.stringify(value)}`);
  return value;
}

function ipAddress(value: string): string {
  if (isIP(value) === 0) throw new Error(`not an IP address: ${JSON.stringify(value)}`);
  return value;
}

