import { describe, test } from '@jest/globals';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

// The ECS corpus: real task definition and service files written by other people. It lives
// beside the repository unless ECS_CORPUS points elsewhere. It is an extra suite: a clone with
// nothing beside it skips it and says so. BERTH_REQUIRE_CORPUS=1 (CI) makes a missing corpus
// fail, so the suite never passes vacuously where it is meant to run.

const here = dirname(fileURLToPath(import.meta.url));
export const REPO = resolve(here, '..');
export const CORPUS = process.env.ECS_CORPUS ?? resolve(REPO, '../shared/ecs-corpus');
export const HAS_CORPUS = existsSync(join(CORPUS, 'taskdefs')) && existsSync(join(CORPUS, 'services'));

if (!HAS_CORPUS && process.env.BERTH_REQUIRE_CORPUS === '1') {
  throw new Error(`the ECS corpus is required (BERTH_REQUIRE_CORPUS=1) but ${CORPUS} has no taskdefs/ and services/; set ECS_CORPUS`);
}

/** `describe` for the corpus suites: skipped, with a line saying why, when the corpus is absent. */
export function describeCorpus(name: string, body: () => void): void {
  if (HAS_CORPUS) {
    describe(name, body);
    return;
  }
  // The body is not even collected: it reads the corpus to name its tests.
  console.warn(`[berth] skipped "${name}": no ECS corpus at ${CORPUS} (set ECS_CORPUS to run it)`);
  describe.skip(name, () => test.skip(`needs the ECS corpus at ${CORPUS}`, () => undefined));
}

/** Every corpus file as "<dir>/<file>", taskdefs first; none without the corpus. */
export function corpusFiles(): string[] {
  if (!HAS_CORPUS) return [];
  return ['taskdefs', 'services'].flatMap((dir) =>
    readdirSync(join(CORPUS, dir))
      .filter((f) => f.endsWith('.json'))
      .sort()
      .map((f) => `${dir}/${f}`),
  );
}

export function readCorpus(file: string): string {
  return readFileSync(join(CORPUS, file), 'utf8');
}

/** An ECS JSON fixture of Berth's own, from test/fixtures/ecs. */
export function readFixture(file: string): string {
  return readFileSync(join(REPO, 'test/fixtures/ecs', file), 'utf8');
}

/**
 * The corpus files Berth refuses, with the JSON path of the first error. The reasons are the
 * ones the corpus's SOURCES.md documents.
 */
export const REFUSED: Record<string, string> = {
  // portMappings protocol "http": ECS accepts tcp and udp only.
  'taskdefs/ec2-awsvpc-mysfits-task-cpu-mem-invalid-protocol-http.json': '$.containerDefinitions[0].portMappings[0].protocol',
  // image "", filled in by CI.
  'taskdefs/fargate-empty-image-placeholder-nonblocking-logs-tags.json': '$.containerDefinitions[0].image',
  // "enableLogging" is no CreateService field.
  'services/fargate-circuitBreaker-execCommand-unknown-enableLogging.json': '$.enableLogging',
  // CloudFormation-export placeholders ("stack:Output") where names belong.
  'services/fargate-codedeploy-controller-alb-awsvpc.json': '$.serviceName',
  // The deploying tool supplies serviceName and taskDefinition; deploymentController.type is an unrendered template.
  'services/fargate-spot-volumeConfigurations-managedEBS-execCommand-gotemplate.json': '$.taskDefinition',
};
