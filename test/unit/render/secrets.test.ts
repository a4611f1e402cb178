import { RenderError } from '../../../src/render/findings.js';
import { parseSecretSource, renderImagePullSecrets, secretUses } from '../../../src/render/secrets.js';
import { container, containerNamed, ignoredPaths, render, task } from './helpers.js';

const at = '$.x';

describe('secret references', () => {
  test.each([
    ['arn:aws:secretsmanager:us-east-1:123456789012:secret:budgetbuddy/jwt-secret', 'budgetbuddy-jwt-secret', 'value'],
    ['arn:aws:secretsmanager:us-east-1:123456789012:secret:prod/db-AbCdEf', 'prod-db-abcdef', 'value'],
    ['arn:aws:secretsmanager:us-east-1:123456789012:secret:budgetbuddy/plaid:clientId::', 'budgetbuddy-plaid', 'clientId'],
    ['arn:aws:secretsmanager:us-east-1:123456789012:secret:app:a key!::', 'app', 'a_key_'],
    ['arn:aws-cn:secretsmanager:cn-north-1:123456789012:secret:x:::', 'x', 'value'],
    ['arn:aws:ssm:ca-central-1:387543059434:parameter/cruddur/backend-flask/CONNECTION_URL', 'cruddur-backend-flask-connection-url', 'value'],
    ['arn:aws:ssm:us-east-1:123456789012:parameter/plain', 'plain', 'value'],
    ['/ecspresso-test/foo', 'ecspresso-test-foo', 'value'],
    ['RUNDECK_DATABASE_URL', 'rundeck-database-url', 'value'],
    ['db-credentials:password', 'db-credentials', 'password'],
    ['my.secret:tls.crt', 'my.secret', 'tls.crt'],
  ])('%s → Secret %s key %s', (valueFrom, secretName, key) => {
    expect(parseSecretSource(valueFrom, at)).toEqual({ secretName, key });
  });

  test('a version stage or id is noted', () => {
    const parsed = parseSecretSource('arn:aws:secretsmanager:us-east-1:1:secret:db:password:AWSPREVIOUS:', at);
    expect(parsed).toMatchObject({ secretName: 'db', key: 'password' });
    expect(parsed.note).toMatch(/version/);
  });

  test('anything else is read as a parameter name, noted', () => {
    const parsed = parseSecretSource('{{ secretsmanager_arn `x/y` }}', at);
    expect(parsed).toMatchObject({ secretName: 'secretsmanager-arn-x-y', key: 'value' });
    expect(parsed.note).toBeDefined();
  });

  test.each(['Bad_Name:key', 'name:bad key'])('the Berth form must name a valid Secret and key: %s', (valueFrom) => {
    expect(() => parseSecretSource(valueFrom, at)).toThrow(RenderError);
  });
});

describe('environment', () => {
  test('environment then secrets, in order', () => {
    const out = render(
      task(
        {},
        container('app', {
          environment: [{ name: 'A', value: '1' }, { name: 'EMPTY' }],
          secrets: [{ name: 'PASSWORD', valueFrom: 'db:password' }],
        }),
      ),
    );
    expect(containerNamed(out, 'app').env).toEqual([
      { name: 'A', value: '1' },
      { name: 'EMPTY' },
      { name: 'PASSWORD', valueFrom: { secretKeyRef: { name: 'db', key: 'password' } } },
    ]);
  });

  test('environmentFiles are reported', () => {
    const out = render(task({}, container('app', { environmentFiles: [{ type: 's3', value: 'arn:aws:s3:::bucket/app.env' }] })));
    expect(ignoredPaths(out)).toEqual(['$.containerDefinitions[0].environmentFiles']);
  });
});

describe('repository credentials', () => {
  test('become imagePullSecrets by the same rule, once each', () => {
    const creds = { credentialsParameter: 'arn:aws:secretsmanager:us-east-1:1:secret:dockerhub/creds-AbCdEf' };
    const defs = [container('a', { repositoryCredentials: creds }), container('b', { repositoryCredentials: creds }), container('c')];
    expect(renderImagePullSecrets(defs)).toEqual([{ name: 'dockerhub-creds-abcdef' }]);
    expect(render(task({}, ...defs)).template.spec.imagePullSecrets).toEqual([{ name: 'dockerhub-creds-abcdef' }]);
  });
});

describe('secretUses', () => {
  test('lists every reference with its Secret and key', () => {
    expect(
      secretUses([
        container('app', {
          secrets: [{ name: 'DB_URL', valueFrom: 'arn:aws:ssm:eu-west-1:1:parameter/app/db-url' }],
          repositoryCredentials: { credentialsParameter: 'registry:unused' },
        }),
      ]),
    ).toEqual([
      { path: '$.containerDefinitions[0].secrets[0].valueFrom', valueFrom: 'arn:aws:ssm:eu-west-1:1:parameter/app/db-url', usedAs: 'DB_URL', secretName: 'app-db-url', key: 'value' },
      {
        path: '$.containerDefinitions[0].repositoryCredentials.credentialsParameter',
        valueFrom: 'registry:unused',
        usedAs: 'imagePullSecret',
        secretName: 'registry',
        key: '.dockerconfigjson',
      },
    ]);
  });
});

describe('a variable set twice', () => {
  test('the last value wins, as in Docker; the earlier ones are reported', () => {
    const out = render(task({}, container('app', {
      environment: [{ name: 'A', value: '1' }, { name: 'B', value: '2' }, { name: 'A', value: '3' }],
      secrets: [{ name: 'B', valueFrom: 'db:b' }],
    })));
    expect(containerNamed(out, 'app').env).toEqual([
      { name: 'A', value: '3' },
      { name: 'B', valueFrom: { secretKeyRef: { name: 'db', key: 'b' } } },
    ]);
    expect(out.ignored).toEqual(expect.arrayContaining([
      { path: '$.containerDefinitions[0].environment[0].name', reason: 'not honoured: $.containerDefinitions[0].environment[2].name sets "A" again, and the last value wins' },
      { path: '$.containerDefinitions[0].environment[1].name', reason: 'not honoured: $.containerDefinitions[0].secrets[0].name sets "B" again, and the last value wins' },
    ]));
  });
});
