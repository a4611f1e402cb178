import { container, render, task } from './helpers.js';

describe('pod template metadata', () => {
  test('standard labels, from the family and revision', () => {
    expect(render(task()).template.metadata).toEqual({
      labels: {
        'app.kubernetes.io/name': 'web',
        'app.kubernetes.io/managed-by': 'berth',
        'ecs.berth.dev/family': 'web',
        'ecs.berth.dev/revision': '3',
      },
    });
  });

  test('a Service adds its name and launch type', () => {
    expect(render(task(), { service: 'frontend', launchType: 'FARGATE' }).template.metadata?.labels).toEqual({
      'app.kubernetes.io/name': 'frontend',
      'app.kubernetes.io/managed-by': 'berth',
      'ecs.berth.dev/family': 'web',
      'ecs.berth.dev/revision': '3',
      'ecs.berth.dev/service': 'frontend',
      'ecs.berth.dev/launch-type': 'FARGATE',
    });
  });

  test('tags: all as an annotation, the label-safe ones also as labels', () => {
    const meta = render(
      task({
        tags: [
          { key: 'Owner', value: 'Soren' },
          { key: 'cost center', value: 'R&D' },
          { key: 'Empty' },
        ],
      }),
    ).template.metadata;
    expect(meta?.annotations).toEqual({ 'ecs.berth.dev/tags': '{"Owner":"Soren","cost center":"R&D","Empty":""}' });
    expect(meta?.labels).toMatchObject({ 'tag.ecs.berth.dev/Owner': 'Soren', 'tag.ecs.berth.dev/Empty': '' });
    expect(Object.keys(meta?.labels ?? {})).not.toContain('tag.ecs.berth.dev/cost center');
  });

  test('Docker labels: all as an annotation by container, label-safe and unambiguous ones also as labels', () => {
    const meta = render(
      task(
        {},
        container('a', { dockerLabels: { Name: 'consul', team: 'core', 'com.example.json': '["x"]' } }),
        container('b', { dockerLabels: { team: 'edge' } }),
      ),
    ).template.metadata;
    expect(JSON.parse(meta?.annotations?.['ecs.berth.dev/docker-labels'] ?? '')).toEqual({
      a: { Name: 'consul', team: 'core', 'com.example.json': '["x"]' },
      b: { team: 'edge' },
    });
    const labels = Object.entries(meta?.labels ?? {}).filter(([k]) => k.startsWith('docker-label.'));
    expect(labels).toEqual([['docker-label.ecs.berth.dev/Name', 'consul']]);
  });

  test('Docker labels too large for an annotation are left out and reported; label-safe ones stay labels', () => {
    const out = render(task({}, container('app', { dockerLabels: { big: 'x'.repeat(200 * 1024), tier: 'web' } }), container('side', { dockerLabels: { a: 'b' } })));
    expect(out.template.metadata?.annotations).toBeUndefined();
    expect(out.template.metadata?.labels).toEqual(expect.objectContaining({ 'docker-label.ecs.berth.dev/tier': 'web', 'docker-label.ecs.berth.dev/a': 'b' }));
    expect(out.ignored.filter((f) => f.path.endsWith('dockerLabels'))).toEqual([
      expect.objectContaining({ path: '$.containerDefinitions[0].dockerLabels', reason: expect.stringMatching(/^not honoured: the Docker labels of the task take 204\d+ bytes, more than the 131072/) }),
      expect.objectContaining({ path: '$.containerDefinitions[1].dockerLabels' }),
    ]);
  });

  test('Docker labels up to the limit are kept as an annotation', () => {
    const out = render(task({}, container('app', { dockerLabels: { big: 'x'.repeat(100 * 1024) } })));
    expect(out.template.metadata?.annotations?.['ecs.berth.dev/docker-labels']?.length).toBe(100 * 1024 + '{"app":{"big":""}}'.length);
  });
});
