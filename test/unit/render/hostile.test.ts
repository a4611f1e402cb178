import { ServiceSpec } from '../../../src/api/service.js';
import { TaskDefinitionSpec } from '../../../src/api/taskdefinition.js';
import { HOSTILE_CASES, hostileInputs, namedInRefusal, renderHostile } from '../../render-hostile.js';

// The hostile table without a cluster: every input passes Berth's schema, and the render either
// refuses it naming the field or renders. The integration test holds both outcomes to the apiserver.

describe('hostile inputs the schema accepts', () => {
  test.each(HOSTILE_CASES.map((c) => [c.name, c] as const))('%s', (_name, c) => {
    const { taskDefinition, service } = hostileInputs(c);
    expect(TaskDefinitionSpec.safeParse(taskDefinition).error?.issues).toBeUndefined();
    expect(ServiceSpec.safeParse(service).error?.issues).toBeUndefined();

    const out = renderHostile(c, 'shop');
    if (c.refused === undefined) {
      expect(out.ok ? 'rendered' : out.message).toBe('rendered');
    } else {
      expect(out.ok).toBe(false);
      if (out.ok) return;
      expect(out.reason).toBe(c.reason ?? 'InvalidForKubernetes');
      expect(out.message).toContain(namedInRefusal(c));
    }
  });
});
