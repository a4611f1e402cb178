import { servesContainerRestartRules } from '../../../src/controllers/cluster-features.js';

describe('servesContainerRestartRules', () => {
  test.each<[{ major?: string; minor?: string }, boolean]>([
    [{ major: '1', minor: '36' }, true],
    [{ major: '1', minor: '35' }, true],
    [{ major: '1', minor: '34' }, false],
    [{ major: '1', minor: '35+' }, true], // managed clusters add a "+"
    [{ major: '2', minor: '0' }, true],
    [{ major: '', minor: '' }, false],
    [{}, false],
  ])('%j → %s', (version, served) => {
    expect(servesContainerRestartRules(version)).toBe(served);
  });
});
