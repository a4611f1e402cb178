import { down } from '../../dist/local/cluster.js';

export default async function globalTeardown() {
  const name = process.env.BERTH_TEST_CLUSTER;
  if (!name || process.env.BERTH_TEST_CLUSTER_REUSED || process.env.BERTH_KEEP_CLUSTER) return;
  await down(name);
}
