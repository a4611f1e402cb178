import { container, ignoredPaths, render, task } from './helpers.js';

describe('pod network settings', () => {
  test('links and extraHosts become host aliases', () => {
    const out = render(
      task(
        {},
        container('app', {
          links: ['db', 'cache:redis', 'log_router'],
          extraHosts: [
            { hostname: 'metadata', ipAddress: '169.254.169.254' },
            { hostname: 'db', ipAddress: '127.0.0.1' },
          ],
        }),
        container('db'),
        container('cache'),
        container('log_router'),
      ),
    );
    expect(out.template.spec.hostAliases).toEqual([
      { ip: '127.0.0.1', hostnames: ['db', 'redis'] },
      { ip: '169.254.169.254', hostnames: ['metadata'] },
    ]);
    // log_router is not a valid host name; links are approximated.
    expect(ignoredPaths(out)).toEqual(['$.containerDefinitions[0].links', '$.containerDefinitions[0].links[2]']);
  });

  test.each([
    ['servers and search domains: dnsPolicy None', { dnsServers: ['10.0.0.2'], dnsSearchDomains: ['corp.example'] }, {
      dnsPolicy: 'None',
      dnsConfig: { nameservers: ['10.0.0.2'], searches: ['corp.example'] },
    }],
    ['search domains only: added to the cluster DNS', { dnsSearchDomains: ['corp.example'] }, { dnsConfig: { searches: ['corp.example'] } }],
    ['nothing', {}, {}],
  ])('DNS: %s', (_, fields, expected) => {
    const spec = render(task({}, container('app', fields))).template.spec;
    expect({ dnsPolicy: spec.dnsPolicy, dnsConfig: spec.dnsConfig }).toEqual({ dnsPolicy: undefined, dnsConfig: undefined, ...expected });
  });

  test('DNS settings of several containers are merged', () => {
    const spec = render(task({}, container('a', { dnsServers: ['10.0.0.2'] }), container('b', { dnsServers: ['10.0.0.2', '10.0.0.3'] }))).template.spec;
    expect(spec.dnsConfig).toEqual({ nameservers: ['10.0.0.2', '10.0.0.3'] });
  });

  test.each([
    ['bridge, one hostname: the pod hostname', 'bridge', [{ hostname: 'web' }, {}], 'web', []],
    ['bridge, different hostnames: reported', 'bridge', [{ hostname: 'a' }, { hostname: 'b' }], undefined, ['$.containerDefinitions[0].hostname', '$.containerDefinitions[1].hostname']],
    ['awsvpc: reported', 'awsvpc', [{ hostname: 'web' }, {}], undefined, ['$.containerDefinitions[0].hostname']],
    ['bridge, not a DNS label: reported', 'bridge', [{ hostname: 'Web_1' }, {}], undefined, ['$.containerDefinitions[0].hostname']],
  ] as const)('hostname: %s', (_, networkMode, fields, hostname, ignored) => {
    const out = render(task({ networkMode }, container('a', fields[0]), container('b', fields[1])));
    expect(out.template.spec.hostname).toBe(hostname);
    expect(ignoredPaths(out)).toEqual(ignored);
  });

  test('networkMode none and disableNetworking are reported', () => {
    const out = render(task({ networkMode: 'none' }, container('app', { disableNetworking: true })));
    expect(ignoredPaths(out)).toEqual(['$.containerDefinitions[0].disableNetworking', '$.networkMode']);
  });
});
