import { jest } from '@jest/globals';

// Real controllers, scheduling and rollouts take seconds, not milliseconds.
jest.setTimeout(180000);
