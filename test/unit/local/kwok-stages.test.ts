import { parseAllDocuments } from 'yaml';
import { kwokStagesYaml } from '../../../src/local/kwok-stages.js';

describe('kwok stages', () => {
  const stages = parseAllDocuments(kwokStagesYaml()).map((d) => d.toJS());

  test('every document is a kwok Stage with a unique name', () => {
    expect(stages.every((s) => s.kind === 'Stage' && s.apiVersion === 'kwok.x-k8s.io/v1alpha1')).toBe(true);
    expect(stages.map((s) => s.metadata.name)).toEqual(['node-initialize', 'node-heartbeat-with-lease', 'pod-ready', 'pod-crash-loop', 'pod-delete']);
  });

  test('ready and crash-loop stages select complementary pods by the berth-fail image tag', () => {
    const expr = (name: string) => stages.find((s) => s.metadata.name === name).spec.selector.matchExpressions.find((e: any) => e.key.includes('berth-fail'));
    expect(expr('pod-ready')).toEqual(expect.objectContaining({ operator: 'NotIn', values: ['true'] }));
    expect(expr('pod-crash-loop')).toEqual(expect.objectContaining({ operator: 'In', values: ['true'] }));
    expect(expr('pod-ready').key).toBe(expr('pod-crash-loop').key);
  });
});
