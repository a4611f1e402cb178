import { RenderError } from '../../../src/render/findings.js';
import { container, containerNamed, ignoredPaths, render, task } from './helpers.js';

describe('entryPoint and command', () => {
  test.each([
    ['neither', {}, {}],
    ['entryPoint → command', { entryPoint: ['/bin/sh', '-c'] }, { command: ['/bin/sh', '-c'] }],
    ['command → args', { command: ['serve', '--port=80'] }, { args: ['serve', '--port=80'] }],
    ['both', { entryPoint: ['node'], command: ['index.js'] }, { command: ['node'], args: ['index.js'] }],
    ['empty lists are absent', { entryPoint: [], command: [] }, {}],
    ['entryPoint [""] clears the image entry point', { entryPoint: [''], command: ['/usr/bin/run'] }, { command: ['/usr/bin/run'] }],
  ])('%s', (_, fields, expected) => {
    const c = containerNamed(render(task({}, container('app', fields))), 'app');
    expect({ command: c.command, args: c.args }).toEqual({ command: undefined, args: undefined, ...expected });
  });

  test('entryPoint [""] without a command is reported', () => {
    const out = render(task({}, container('app', { entryPoint: [''] })));
    expect(containerNamed(out, 'app').command).toBeUndefined();
    expect(ignoredPaths(out)).toContain('$.containerDefinitions[0].entryPoint');
  });
});

describe('container basics', () => {
  test('image, working directory, stdin and tty', () => {
    const c = containerNamed(
      render(task({}, container('app', { workingDirectory: '/srv', interactive: true, pseudoTerminal: true }))),
      'app',
    );
    expect(c).toMatchObject({ name: 'app', image: 'example/app:1', workingDir: '/srv', stdin: true, tty: true });
  });

  test('an empty image is refused', () => {
    expect(() => render(task({}, container('app', { image: '' })))).toThrow(RenderError);
  });

  test('ECS names become DNS labels', () => {
    const out = render(task({}, container('Log_Router')));
    expect(out.template.spec.containers.map((c) => c.name)).toEqual(['log-router']);
  });
});
