import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

// The ECS corpus: real task definition and service files written by other people. It lives
// beside the repository unless ECS_CORPUS points elsewhere. A missing corpus fails the tests
// that read it: they are the contract and must not pass vacuously.

const here = dirname(fileURLToPath(import.meta.url));
export const REPO = resolve(here, '..');
export const CORPUS = process.env.ECS_CORPUS ?? resolve(REPO, '../shared/ecs-corpus');

/** Every corpus file as "<dir>/<file>", taskdefs first. */
export function corpusFiles(): string[] {
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

/**
 * The corpus files Berth refuses, with the JSON path of the first error. The reasons are the
 * ones the corpus's SOURCES.md documents.
 */
export const REFUSED: Record<string, string> = {
  // portMappings protocol "http": ECS accepts tcp and udp only.
  'taskdefs/ec2-awsvpc-mysfits-task-cpu-mem-invalid-protocol-http.json': '$.containerDefinitions[0].portMappings[0].protocol',
  // A healthCheck command in exec form without the "CMD" prefix.
  'taskdefs/fargate-adot-collector-sidecar-dependsOn-START-4containers.json': '$.containerDefinitions[0].healthCheck.command',
  // image "", filled in by CI.
  'taskdefs/fargate-empty-image-placeholder-nonblocking-logs-tags.json': '$.containerDefinitions[0].image',
  // A healthCheck command without "CMD" or "CMD-SHELL".
  'taskdefs/fargate-presto-start-stop-timeout-malformed-healthcheck.json': '$.containerDefinitions[0].healthCheck.command',
  // "enableLogging" is no CreateService field.
  'services/fargate-circuitBreaker-execCommand-unknown-enableLogging.json': '$.enableLogging',
  // CloudFormation-export placeholders ("stack:Output") where names belong.
  'services/fargate-codedeploy-controller-alb-awsvpc.json': '$.serviceName',
  // The deploying tool supplies serviceName and taskDefinition; deploymentController.type is an unrendered template.
  'services/fargate-spot-volumeConfigurations-managedEBS-execCommand-gotemplate.json': '$.taskDefinition',
};
