// @peculiar/x509 as this project loads it. The library resolves its algorithms through tsyringe,
// which needs the Reflect metadata API at import time; importing it through this module loads
// the polyfill first (ES modules evaluate their imports in order).

import 'reflect-metadata';

export * as x509 from '@peculiar/x509';
