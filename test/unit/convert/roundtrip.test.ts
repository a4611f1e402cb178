import { expect, test } from '@jest/globals';
import { serviceSpecFromEcs } from '../../../src/api/ecsjson.js';
import { exportResources } from '../../../src/convert/export.js';
import { importEcs } from '../../../src/convert/import.js';
import { toYamlStream } from '../../../src/convert/text.js';
import { normaliseTaskDefinitionJson } from '../../../src/render/ecs-input.js';
import { corpusFiles, describeCorpus, readCorpus, REFUSED } from '../../corpus.js';

// ECS JSON → import → YAML → export gives back the ECS input: every field, not only the
// honoured ones, since the spec keeps them all. Normalised means as import reads it: nulls and
// read-only fields gone, and no cluster (the namespace plays its part).

function normalised(file: string, json: unknown): unknown[] {
  if (file.startsWith('taskdefs/')) return [normaliseTaskDefinitionJson(json).spec];
  const services = (json as { services?: unknown[] }).services ?? [json];
  return services.map((s) => {
    const { spec } = serviceSpecFromEcs(s);
    delete spec.cluster;
    return spec;
  });
}

const importable = corpusFiles().filter((f) => !(f in REFUSED));

describeCorpus('ECS JSON → import → export', () => {
  test('most of the corpus takes part', () => {
    expect(importable.length).toBeGreaterThanOrEqual(33);
  });

  test.each(importable)('%s', (file) => {
    const text = readCorpus(file);
    const imported = importEcs([{ file, text }]);
    expect(imported.messages.filter((m) => m.severity === 'error')).toEqual([]);
    const exported = exportResources('exported.yaml', toYamlStream(imported.resources));
    expect(exported.messages).toEqual([]);
    expect(exported.objects).toEqual(normalised(file, JSON.parse(text)));
  });

  test('all of the corpus at once, as one stream', () => {
    const imported = importEcs(importable.map((file) => ({ file, text: readCorpus(file) })));
    const exported = exportResources('all.yaml', toYamlStream(imported.resources));
    expect(exported.objects).toEqual(importable.flatMap((file) => normalised(file, JSON.parse(readCorpus(file)))));
  });
});
