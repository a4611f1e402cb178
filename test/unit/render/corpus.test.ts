import { existsSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { stringify } from 'yaml';
import { formatIssues } from '../../../src/api/rules.js';
import { CORPUS, describeCorpus, HAS_CORPUS, REPO } from '../../corpus.js';
import { TaskDefinitionSpec } from '../../../src/api/taskdefinition.js';
import { normaliseTaskDefinitionJson } from '../../../src/render/ecs-input.js';
import { RenderError } from '../../../src/render/findings.js';
import { renderPodTemplate } from '../../../src/render/podtemplate.js';
import { renderServiceAccount } from '../../../src/render/serviceaccount.js';

// Golden files: every real task definition of the ECS corpus, normalised, validated and
// rendered. The files in test/golden/render are the contract; UPDATE_GOLDEN=1 rewrites them.
// The corpus lives beside the repository (ECS_CORPUS points elsewhere).

const corpus = join(CORPUS, 'taskdefs');
const goldenDir = join(REPO, 'test/golden/render');
const update = process.env.UPDATE_GOLDEN === '1';

// A missing corpus fails here, loudly: these goldens are the contract and must not pass vacuously.
const files = HAS_CORPUS ? readdirSync(corpus).filter((f) => f.endsWith('.json')).sort() : [];

/** What a corpus file becomes: the pod template, its findings and ServiceAccount, or the reason it is refused. */
function renderFile(file: string): Record<string, unknown> {
  const { spec, dropped } = normaliseTaskDefinitionJson(JSON.parse(readFileSync(join(corpus, file), 'utf8')));
  const out: Record<string, unknown> = { source: `ecs-corpus/taskdefs/${file}` };
  if (dropped.length > 0) out.dropped = dropped;
  const parsed = TaskDefinitionSpec.safeParse(spec);
  if (!parsed.success) return { ...out, error: formatIssues(parsed.error.issues, ['spec']) };
  try {
    const family = parsed.data.family ?? file.replace(/\.json$/, '');
    const { template, ignored } = renderPodTemplate({ family, revision: 1, spec: parsed.data });
    const serviceAccount = renderServiceAccount(parsed.data);
    return { ...out, template, ignored, ...(serviceAccount ? { serviceAccount } : {}) };
  } catch (err) {
    if (err instanceof RenderError) return { ...out, error: [err.message] };
    throw err;
  }
}

describeCorpus('ECS corpus → pod templates (golden)', () => {
  test.each(files)('%s', (file) => {
    const golden = join(goldenDir, file.replace(/\.json$/, '.yaml'));
    const actual = stringify(renderFile(file), { lineWidth: 0, aliasDuplicateObjects: false });
    if (update) writeFileSync(golden, actual);
    if (!existsSync(golden)) throw new Error(`no golden file ${golden}: review the rendering, then create it with UPDATE_GOLDEN=1`);
    expect(actual).toBe(readFileSync(golden, 'utf8'));
  });

  test('every golden file has its corpus file', () => {
    const goldens = readdirSync(goldenDir).filter((f) => f.endsWith('.yaml'));
    expect(goldens.map((f) => f.replace(/\.yaml$/, '.json')).filter((f) => !files.includes(f))).toEqual([]);
  });
});
