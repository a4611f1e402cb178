import { describe, expect, test } from '@jest/globals';
import { KubeApiError, failureKind, failureMessage, type FailureKind } from '../../../src/runtime/errors.js';

// Which failed requests a controller retries with backoff, which it gives up on until the
// object changes, and which it simply runs again.

const apiError = (code: number, reason?: string, message?: string) =>
  new KubeApiError(code, 'PATCH', '/apis/apps/v1/namespaces/shop/deployments/web', { kind: 'Status', code, reason, message });

describe('failureKind', () => {
  test.each<[string, unknown, FailureKind]>([
    ['409 Conflict', apiError(409, 'Conflict'), 'conflict'],
    ['409 AlreadyExists', apiError(409, 'AlreadyExists'), 'conflict'],
    ['400 BadRequest (strict field validation)', apiError(400, 'BadRequest'), 'terminal'],
    ['403 Forbidden (RBAC, admission, quota)', apiError(403, 'Forbidden'), 'terminal'],
    ['405 MethodNotAllowed', apiError(405, 'MethodNotAllowed'), 'terminal'],
    ['413 RequestEntityTooLarge', apiError(413, 'RequestEntityTooLarge'), 'terminal'],
    ['415 UnsupportedMediaType', apiError(415, 'UnsupportedMediaType'), 'terminal'],
    ['422 Invalid', apiError(422, 'Invalid'), 'terminal'],
    ['404 NotFound (a namespace not there yet)', apiError(404, 'NotFound'), 'transient'],
    ['408 Timeout', apiError(408, 'Timeout'), 'transient'],
    ['429 TooManyRequests', apiError(429, 'TooManyRequests'), 'transient'],
    ['500 InternalError (a webhook that cannot be called)', apiError(500, 'InternalError'), 'transient'],
    ['500 from etcd: the object is too large to store', apiError(500, 'InternalError', 'rpc error: code = ResourceExhausted desc = trying to send message larger than max (2097152 vs. 2097152)'), 'terminal'],
    ['500 from etcd: request is too large', apiError(500, 'InternalError', 'etcdserver: request is too large'), 'terminal'],
    ['503 ServiceUnavailable', apiError(503, 'ServiceUnavailable'), 'transient'],
    ['504 Timeout', apiError(504, 'Timeout'), 'transient'],
    ['no HTTP answer', new Error('connect ECONNREFUSED 127.0.0.1:6443'), 'transient'],
    ['not an Error', 'boom', 'transient'],
  ])('%s is %s', (_name, err, kind) => {
    expect(failureKind(err)).toBe(kind);
  });
});

describe('failureMessage', () => {
  test.each<[string, unknown, string]>([
    ['the apiserver\'s own message', apiError(422, 'Invalid', 'Deployment.apps "web" is invalid: spec.replicas: Invalid value: -1'), 'Deployment.apps "web" is invalid: spec.replicas: Invalid value: -1'],
    ['code and reason without a message', apiError(503, 'ServiceUnavailable'), '503 ServiceUnavailable'],
    ['the code alone', apiError(500), '500'],
    ['an error with no answer', new Error('socket hang up'), 'socket hang up'],
  ])('%s', (_name, err, message) => {
    expect(failureMessage(err)).toBe(message);
  });
});
