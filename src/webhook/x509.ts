// X.509 v3 certificates (RFC 5280) written with node:crypto alone: EC P-256 keys, ECDSA with
// SHA-256 signatures. Two shapes are enough for the webhook: a self-signed CA that signs only
// certificates, and a TLS server certificate it signs, valid for DNS names and IP addresses.
// No openssl at run time: operator images do not have it.

import { X509Certificate, createHash, createPrivateKey, createPublicKey, generateKeyPairSync, randomBytes, sign, type KeyObject } from 'node:crypto';
import { isIPv4, isIPv6 } from 'node:net';
import {
  bitString, boolean, children, explicit, implicit, integer, namedBits, octetString, oid, readElement, sequence, setOf, time, utf8String,
} from './asn1.js';

const OID = {
  commonName: '2.5.4.3',
  ecdsaWithSha256: '1.2.840.10045.4.3.2',
  subjectKeyIdentifier: '2.5.29.14',
  keyUsage: '2.5.29.15',
  subjectAltName: '2.5.29.17',
  basicConstraints: '2.5.29.19',
  authorityKeyIdentifier: '2.5.29.35',
  extKeyUsage: '2.5.29.37',
  serverAuth: '1.3.6.1.5.5.7.3.1',
};

// KeyUsage bit numbers (RFC 5280 §4.2.1.3).
const DIGITAL_SIGNATURE = 0;
const KEY_CERT_SIGN = 5;
const CRL_SIGN = 6;

/** A new EC P-256 private key (its public key is `createPublicKey(key)`). */
export function generateKey(): KeyObject {
  return generateKeyPairSync('ec', { namedCurve: 'P-256' }).privateKey;
}

export function keyToPem(key: KeyObject): string {
  return key.export({ type: 'pkcs8', format: 'pem' }).toString();
}

export function keyFromPem(pem: string): KeyObject {
  return createPrivateKey(pem);
}

export interface CertificateTemplate {
  commonName: string;
  notBefore: Date;
  notAfter: Date;
  /** A CA certificate signs certificates and nothing else; otherwise a TLS server certificate. */
  ca?: boolean;
  dnsNames?: readonly string[];
  ipAddresses?: readonly string[];
}

/** A CA's certificate and private key: what signing a certificate needs. */
export interface Issuer {
  certificate: string;
  key: KeyObject;
}

/** A self-signed certificate for `key` (PEM). */
export function selfSignedCertificate(template: CertificateTemplate, key: KeyObject): string {
  const publicKey = publicKeyOf(key);
  const name = distinguishedName(template.commonName);
  return build(template, publicKey, name, keyIdentifier(publicKey), key);
}

/** A certificate for `publicKey` signed by the issuer (PEM). */
export function signedCertificate(template: CertificateTemplate, publicKey: KeyObject, issuer: Issuer): string {
  const issuerCertificate = new X509Certificate(issuer.certificate);
  return build(template, publicKey, subjectOf(issuerCertificate.raw), keyIdentifier(issuerCertificate.publicKey), issuer.key);
}

export function publicKeyOf(privateKey: KeyObject): KeyObject {
  return createPublicKey(privateKey);
}

function build(template: CertificateTemplate, publicKey: KeyObject, issuerName: Buffer, issuerKeyId: Buffer, signingKey: KeyObject): string {
  if (template.notAfter <= template.notBefore) throw new Error('a certificate must end after it starts');
  const algorithm = sequence(oid(OID.ecdsaWithSha256));
  const serial = randomBytes(16);
  serial[0] &= 0x7f; // positive, as RFC 5280 requires
  const tbs = sequence(
    explicit(0, integer(2)), // v3
    integer(serial),
    algorithm,
    issuerName,
    sequence(time(template.notBefore), time(template.notAfter)),
    distinguishedName(template.commonName),
    publicKey.export({ type: 'spki', format: 'der' }),
    explicit(3, sequence(...extensions(template, keyIdentifier(publicKey), issuerKeyId))),
  );
  const signature = sign('sha256', tbs, signingKey); // DER-encoded ECDSA signature
  return toPem(sequence(tbs, algorithm, bitString(signature)), 'CERTIFICATE');
}

function extensions(template: CertificateTemplate, subjectKeyId: Buffer, issuerKeyId: Buffer): Buffer[] {
  const out: Buffer[] = [];
  if (template.ca) {
    out.push(extension(OID.basicConstraints, true, sequence(boolean(true), integer(0))));
    out.push(extension(OID.keyUsage, true, namedBits([DIGITAL_SIGNATURE, KEY_CERT_SIGN, CRL_SIGN])));
  } else {
    out.push(extension(OID.basicConstraints, true, sequence()));
    out.push(extension(OID.keyUsage, true, namedBits([DIGITAL_SIGNATURE])));
    out.push(extension(OID.extKeyUsage, false, sequence(oid(OID.serverAuth))));
  }
  const names = [
    ...(template.dnsNames ?? []).map(dnsName),
    ...(template.ipAddresses ?? []).map((ip) => implicit(7, ipBytes(ip))),
  ];
  if (names.length > 0) out.push(extension(OID.subjectAltName, false, sequence(...names)));
  out.push(extension(OID.subjectKeyIdentifier, false, octetString(subjectKeyId)));
  out.push(extension(OID.authorityKeyIdentifier, false, sequence(implicit(0, issuerKeyId))));
  return out;
}

// GeneralName dNSName: [2] IMPLICIT IA5String.
function dnsName(name: string): Buffer {
  if (!/^[\x21-\x7e]+$/.test(name)) throw new Error(`not a DNS name: ${name}`);
  return implicit(2, Buffer.from(name, 'ascii'));
}

// DER leaves out a BOOLEAN that has its default value, so `critical` appears only when true.
function extension(id: string, critical: boolean, value: Buffer): Buffer {
  return critical ? sequence(oid(id), boolean(true), octetString(value)) : sequence(oid(id), octetString(value));
}

function distinguishedName(commonName: string): Buffer {
  return sequence(setOf(sequence(oid(OID.commonName), utf8String(commonName))));
}

/** The subject of a DER certificate, byte for byte: the issuer name of what it signs must equal it. */
function subjectOf(certificateDer: Buffer): Buffer {
  const tbs = children(readElement(certificateDer))[0];
  const fields = children(tbs);
  const versioned = fields[0].tag === 0xa0;
  return fields[versioned ? 5 : 4].raw;
}

/** RFC 5280 §4.2.1.2 method 1: SHA-1 of the subjectPublicKey bits. */
export function keyIdentifier(publicKey: KeyObject): Buffer {
  const spki = readElement(publicKey.export({ type: 'spki', format: 'der' }));
  const bits = children(spki)[1];
  return createHash('sha1').update(bits.content.subarray(1)).digest();
}

/** The 4 or 16 bytes of an IP address. */
export function ipBytes(address: string): Buffer {
  if (isIPv4(address)) return Buffer.from(address.split('.').map(Number));
  if (!isIPv6(address)) throw new Error(`not an IP address: ${address}`);
  let text = address.split('%')[0];
  const tail: number[] = [];
  const v4 = /(\d+\.\d+\.\d+\.\d+)$/.exec(text);
  if (v4) {
    tail.push(...v4[1].split('.').map(Number));
    text = text.slice(0, -v4[1].length) + '0:0';
  }
  const [head, rest] = text.split('::');
  const groups = (part: string | undefined) => (part ? part.split(':').filter(Boolean).map((g) => parseInt(g, 16)) : []);
  const left = groups(head);
  const right = groups(rest);
  const all = rest === undefined ? left : [...left, ...new Array<number>(8 - left.length - right.length).fill(0), ...right];
  const bytes = Buffer.alloc(16);
  all.forEach((g, i) => bytes.writeUInt16BE(g, i * 2));
  if (tail.length === 4) bytes.set(tail, 12);
  return bytes;
}

export function toPem(der: Buffer, label: string): string {
  const lines = der.toString('base64').match(/.{1,64}/g) ?? [];
  return `-----BEGIN ${label}-----\n${lines.join('\n')}\n-----END ${label}-----\n`;
}
