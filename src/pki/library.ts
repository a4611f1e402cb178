// @peculiar/x509, loaded when a certificate is first made rather than with every CLI command
// (it takes a noticeable part of a second to load). The library resolves its algorithms through
// tsyringe, which needs the Reflect metadata API when it loads: the polyfill comes first.

export type X509 = typeof import('@peculiar/x509');

export async function loadX509(): Promise<X509> {
  await import('reflect-metadata');
  return import('@peculiar/x509');
}
