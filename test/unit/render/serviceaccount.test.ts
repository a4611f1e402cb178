import { renderServiceAccount, serviceAccountNameFor } from '../../../src/render/serviceaccount.js';
import { render, task } from './helpers.js';

describe('task role → ServiceAccount', () => {
  test.each([
    ['arn:aws:iam::123456789012:role/ecsTaskRole', 'task-role-ecstaskrole'],
    ['arn:aws:iam::123456789012:role/service-role/My_App.Role', 'task-role-my-app-role'],
    ['AppRole', 'task-role-approle'],
    ['', undefined],
    [undefined, undefined],
  ])('%s → %s', (taskRoleArn, name) => {
    expect(serviceAccountNameFor({ taskRoleArn })).toBe(name);
  });

  test('spec.kubernetes.serviceAccountName wins, and Berth manages no ServiceAccount then', () => {
    const spec = { taskRoleArn: 'arn:aws:iam::1:role/r', kubernetes: { serviceAccountName: 'mine' } };
    expect(serviceAccountNameFor(spec)).toBe('mine');
    expect(renderServiceAccount(spec)).toBeUndefined();
  });

  test('the managed ServiceAccount is annotated for IRSA', () => {
    expect(renderServiceAccount({ taskRoleArn: 'arn:aws:iam::123456789012:role/ecsTaskRole' }, 'shop')).toEqual({
      apiVersion: 'v1',
      kind: 'ServiceAccount',
      metadata: {
        name: 'task-role-ecstaskrole',
        namespace: 'shop',
        labels: { 'app.kubernetes.io/managed-by': 'berth' },
        annotations: {
          'ecs.berth.dev/task-role-arn': 'arn:aws:iam::123456789012:role/ecsTaskRole',
          'eks.amazonaws.com/role-arn': 'arn:aws:iam::123456789012:role/ecsTaskRole',
        },
      },
    });
  });

  test('a bare role name gets no IRSA annotation', () => {
    expect(renderServiceAccount({ taskRoleArn: 'AppRole' })?.metadata.annotations).toEqual({ 'ecs.berth.dev/task-role-arn': 'AppRole' });
  });

  test('no task role, no ServiceAccount', () => {
    expect(renderServiceAccount({})).toBeUndefined();
  });

  test('the pod runs as it, without a Kubernetes API token', () => {
    const spec = render(task({ taskRoleArn: 'arn:aws:iam::1:role/r' })).template.spec;
    expect(spec).toMatchObject({ serviceAccountName: 'task-role-r', automountServiceAccountToken: false });
  });

  test('a named ServiceAccount keeps its own token setting', () => {
    const spec = render(task({ kubernetes: { serviceAccountName: 'mine' } })).template.spec;
    expect(spec.serviceAccountName).toBe('mine');
    expect(spec).not.toHaveProperty('automountServiceAccountToken');
  });
});
