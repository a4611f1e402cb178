import { deploymentId, deploymentIdFromLabel, deploymentLabelValue, eventId } from '../../../src/ecs/ids.js';
import { UID } from './helpers.js';

describe('deployment ids', () => {
  test('ECS-shaped, stable, and the same for the same revision and restart token', () => {
    const id = deploymentId(UID, 'web:3', undefined);
    expect(id).toMatch(/^ecs-svc\/[0-9]{19}$/);
    expect(deploymentId(UID, 'web:3', undefined)).toBe(id);
    expect(deploymentId(UID, 'web:3', '')).toBe(id);
  });

  test('a new revision, a new restart token or another Service gives another id', () => {
    const id = deploymentId(UID, 'web:3', undefined);
    expect(deploymentId(UID, 'web:4', undefined)).not.toBe(id);
    expect(deploymentId(UID, 'web:3', 1)).not.toBe(id);
    expect(deploymentId(UID, 'web:3', 1)).toBe(deploymentId(UID, 'web:3', '1'));
    expect(deploymentId('another-uid', 'web:3', undefined)).not.toBe(id);
  });

  test('the label value is the digits, and reads back', () => {
    const id = deploymentId(UID, 'web:3', undefined);
    expect(deploymentLabelValue(id)).toMatch(/^[0-9]{19}$/);
    expect(deploymentIdFromLabel(deploymentLabelValue(id))).toBe(id);
    expect(deploymentIdFromLabel('abc')).toBeUndefined();
    expect(deploymentIdFromLabel(undefined)).toBeUndefined();
  });

  test('event ids are UUID-shaped and deterministic', () => {
    const a = eventId(UID, '2026-03-01T10:00:00Z', 'm', 0);
    expect(a).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/);
    expect(eventId(UID, '2026-03-01T10:00:00Z', 'm', 0)).toBe(a);
    expect(eventId(UID, '2026-03-01T10:00:00Z', 'm', 1)).not.toBe(a);
  });
});
