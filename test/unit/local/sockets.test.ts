import { decodeAddress, isLoopback } from '../../../src/local/sockets.js';

describe('/proc/net/tcp addresses', () => {
  test.each([
    ['0100007F:1F90', '127.0.0.1', 8080],
    ['00000000:0050', '0.0.0.0', 80],
    ['00000000000000000000000001000000:1F90', '::1', 8080],
    ['00000000000000000000000000000000:0016', '::', 22],
  ])('%s is %s port %d', (hex, address, port) => {
    expect(decodeAddress(hex)).toEqual({ address, port });
  });

  test.each([['127.0.0.1', true], ['127.0.0.53', true], ['::1', true], ['0.0.0.0', false], ['::', false], ['10.0.0.1', false]])(
    '%s loopback: %s', (address, expected) => expect(isLoopback(address)).toBe(expected));
});
