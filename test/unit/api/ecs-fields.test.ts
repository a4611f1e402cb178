import { describe, expect, test } from '@jest/globals';
import { reportedFields, SERVICE_FIELDS, TASK_DEFINITION_FIELDS, type FieldTable } from '../../../src/api/ecs-fields.js';

describe('reportedFields', () => {
  test.each<[string, FieldTable, unknown, string[]]>([
    ['nothing set', SERVICE_FIELDS, { taskDefinition: 'web' }, []],
    ['a set field with a reason', SERVICE_FIELDS, { platformVersion: 'LATEST' }, ['$.platformVersion']],
    ['a blank string says nothing', SERVICE_FIELDS, { platformVersion: '  ' }, []],
    ['false says nothing', SERVICE_FIELDS, { enableExecuteCommand: false }, []],
    ['an object of off values says nothing', SERVICE_FIELDS, { deploymentConfiguration: { alarms: { alarmNames: [], enable: false, rollback: false } } }, []],
    ['a quiet value (what Berth does) says nothing', SERVICE_FIELDS, { deploymentConfiguration: { strategy: 'ROLLING' } }, []],
    ['another value is reported', SERVICE_FIELDS, { deploymentConfiguration: { strategy: 'BLUE_GREEN', bakeTimeInMinutes: 0 } }, ['$.deploymentConfiguration.strategy', '$.deploymentConfiguration.bakeTimeInMinutes']],
    [
      'list items carry their index',
      SERVICE_FIELDS,
      { loadBalancers: [{ containerName: 'a', containerPort: 80 }, { containerName: 'b', containerPort: 81, advancedConfiguration: { roleArn: 'r' } }] },
      ['$.loadBalancers[1].advancedConfiguration'],
    ],
    [
      'container fields, with versionConsistency disabled quiet',
      TASK_DEFINITION_FIELDS,
      { containerDefinitions: [{ name: 'a', versionConsistency: 'disabled' }, { name: 'b', versionConsistency: 'enabled', startTimeout: 30 }] },
      ['$.containerDefinitions[1].startTimeout', '$.containerDefinitions[1].versionConsistency'],
    ],
    ['members of a reported field are not reported again', TASK_DEFINITION_FIELDS, { proxyConfiguration: { containerName: 'envoy', type: 'APPMESH' } }, ['$.proxyConfiguration']],
    ['an approximated field reports only its unhonoured values', TASK_DEFINITION_FIELDS, { ipcMode: 'task' }, []],
    ['ipcMode none', TASK_DEFINITION_FIELDS, { ipcMode: 'none' }, ['$.ipcMode']],
  ])('%s', (_name, table, spec, paths) => {
    expect(reportedFields(spec, table).map((r) => r.path)).toEqual(paths);
  });
});
