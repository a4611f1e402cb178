// Loaded by jest outside its module transform, so it imports the built code: `npm test` builds first.
import { isHealthy, readState, up } from '../../dist/local/cluster.js';

/**
 * Starts one real control plane for the whole integration run. BERTH_TEST_CLUSTER names an
 * already running cluster to reuse instead (it is then left running afterwards).
 */
export default async function globalSetup() {
  const reuse = process.env.BERTH_TEST_CLUSTER;
  if (reuse) {
    const state = readState(reuse);
    if (state && (await isHealthy(state))) {
      process.env.BERTH_TEST_CLUSTER_REUSED = '1';
      return;
    }
  }
  const name = reuse ?? `test-${process.pid}`;
  const started = Date.now();
  console.error(`\n[berth] starting the test cluster "${name}"`);
  await up({ name, progress: (line) => console.error(`[berth] ${line}`) });
  console.error(`[berth] test cluster ready in ${((Date.now() - started) / 1000).toFixed(1)}s`);
  process.env.BERTH_TEST_CLUSTER = name;
}
