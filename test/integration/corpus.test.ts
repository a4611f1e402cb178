import type { TaskDefinitionSpec } from '../../src/api/taskdefinition.js';
import { importEcs } from '../../src/convert/import.js';
import { renderPodTemplate } from '../../src/render/podtemplate.js';
import { corpusFiles, describeCorpus, readCorpus, REFUSED } from '../corpus.js';
import { kubectl, newNamespace } from './cluster.js';
import { installCrds } from './operator.js';

// The real ECS files of the corpus, written by other people, against the real apiserver: what
// `berth import` makes of them is admitted by the CRDs, and every rendered pod template is a pod
// template the apiserver accepts (server-side dry run of a Deployment that uses it).

const importable = corpusFiles().filter((file) => !REFUSED[file]);

describeCorpus('ECS corpus on the real apiserver', () => {
  let ns: string;
  beforeAll(async () => {
    await installCrds();
    ns = await newNamespace('corpus');
  });

  test('the corpus is there', () => {
    expect(importable.length).toBeGreaterThanOrEqual(30);
  });

  test.each(importable)('%s', async (file) => {
    const { resources, messages } = importEcs([{ file, text: readCorpus(file) }], { namespace: ns });
    expect(messages.filter((m) => m.severity === 'error')).toEqual([]);
    expect(resources).toHaveLength(1);
    const resource = resources[0];
    await kubectl(['apply', '--dry-run=server', '--server-side', '--field-manager=berth-test', '-f', '-'], JSON.stringify(resource));
    if (resource.kind !== 'TaskDefinition') return;

    const { template } = renderPodTemplate({ family: resource.metadata.name, revision: 1, spec: resource.spec as unknown as TaskDefinitionSpec });
    const selector = { 'ecs.berth.dev/family': template.metadata!.labels!['ecs.berth.dev/family'] };
    const deployment = {
      apiVersion: 'apps/v1', kind: 'Deployment', metadata: { name: resource.metadata.name, namespace: ns },
      spec: { replicas: 1, selector: { matchLabels: selector }, template },
    };
    await kubectl(['create', '--dry-run=server', '-f', '-'], JSON.stringify(deployment));
  });
});
