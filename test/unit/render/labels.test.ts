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
});
