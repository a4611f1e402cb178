// Keys for certificates: EC P-256, held as WebCrypto keys (what the X.509 library signs with)
// and stored as PEM (PKCS#8 for private keys, SPKI for public keys), as Kubernetes reads them.

import { KeyObject, createPrivateKey, createPublicKey, webcrypto } from 'node:crypto';

export type KeyPair = webcrypto.CryptoKeyPair;
export type Key = webcrypto.CryptoKey;

const EC_P256 = { name: 'ECDSA', namedCurve: 'P-256' } as const;

export async function generateKeyPair(): Promise<KeyPair> {
  return webcrypto.subtle.generateKey(EC_P256, true, ['sign', 'verify']);
}

export function privateKeyToPem(key: Key): string {
  return KeyObject.from(key).export({ type: 'pkcs8', format: 'pem' }).toString();
}

export function publicKeyToPem(key: Key): string {
  return KeyObject.from(key).export({ type: 'spki', format: 'pem' }).toString();
}

/** The key pair of a PEM private key (PKCS#8 or SEC 1). Only EC P-256 keys are signed with here. */
export async function keyPairFromPem(text: string): Promise<KeyPair> {
  const privateKey = createPrivateKey(text);
  const curve = privateKey.asymmetricKeyDetails?.namedCurve;
  if (privateKey.asymmetricKeyType !== 'ec' || curve !== 'prime256v1') {
    throw new Error(`not an EC P-256 private key (${[privateKey.asymmetricKeyType, curve].filter(Boolean).join(' ')})`);
  }
  const pkcs8 = privateKey.export({ type: 'pkcs8', format: 'der' });
  const spki = createPublicKey(privateKey).export({ type: 'spki', format: 'der' });
  return {
    privateKey: await webcrypto.subtle.importKey('pkcs8', pkcs8, EC_P256, true, ['sign']),
    publicKey: await webcrypto.subtle.importKey('spki', spki, EC_P256, true, ['verify']),
  };
}
