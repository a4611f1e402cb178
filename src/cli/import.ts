import { readFile } from 'node:fs/promises';
import { formatMessage, type Message } from '../convert/findings.js';
import { importEcs, type ImportInput } from '../convert/import.js';
import { isKubernetesName } from '../convert/names.js';
import { toYamlStream } from '../convert/text.js';
import { parseArgs, rejectUnknown, stringOption } from './args.js';
import { wantsHelp, type Command } from './command.js';

/** Where a command reads and writes; tests pass their own. */
export interface CommandIo {
  out(text: string): void;
  err(text: string): void;
  /** The text of a file; "-" is standard input. */
  read(path: string): Promise<string>;
}

async function readStdin(): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of process.stdin) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks).toString('utf8');
}

export function processIo(): CommandIo {
  return {
    out: (text) => void process.stdout.write(text),
    err: (text) => void process.stderr.write(text),
    read: (path) => (path === '-' ? readStdin() : readFile(path, 'utf8')),
  };
}

/** How messages name an input. */
export function inputLabel(path: string): string {
  return path === '-' ? '<stdin>' : path;
}

const usage = `Usage: berth import FILE... [-n NAMESPACE] [--name NAME]

Turns ECS JSON into Berth custom resources and prints them as YAML for kubectl:
  berth import taskdef.json service.json | kubectl apply -f -
  aws ecs describe-task-definition --task-definition web | berth import - -n shop

FILE is a path, or - for standard input. Each file holds one of:
  register-task-definition input, or describe-task-definition output
    (wrapped in {"taskDefinition": ...} or not)        -> a TaskDefinition
  create-service input, or describe-services output    -> a Service for each service
JSON or YAML (aws --output yaml, --cli-input-yaml) both work.

Null values and the read-only fields of describe output (revision, status,
taskDefinitionArn, serviceArn, events, deployments ...) are left out; cluster is left
out with a warning, since the namespace plays its part.

A TaskDefinition is named after its family and a Service after its serviceName. An ECS
name that is not a Kubernetes name is lowercased, "_" becomes "-" (runs of "-" become one,
"-" at either end is dropped, and a name over 253 characters, 63 for a Service, is cut and
ends in a hash); the ECS name is then kept in annotation ecs.berth.dev/original-name, and
berth export gives it back. A Service's taskDefinition ("family", "family:revision" or an
ARN) becomes "family:revision" with the family named by the same rule.

Standard error shows a warning for each field Berth does not honour, with its JSON path.
When any file is invalid, the errors name the file, the JSON path and the rule, and
nothing is printed on standard output.

Options:
  -n, --namespace NS   metadata.namespace of every resource (default: none, kubectl's)
  --name NAME          metadata.name instead of the derived one (one resource only)

Exit status: 0 imported (warnings or not), 1 invalid input, 2 wrong usage.
`;

export async function runImport(argv: string[], io: CommandIo): Promise<number> {
  if (wantsHelp(argv)) {
    io.out(usage);
    return 0;
  }
  let files: string[];
  let namespace: string | undefined;
  let name: string | undefined;
  try {
    const args = parseArgs(argv);
    rejectUnknown(args, ['namespace', 'n', 'name']);
    files = args.positional;
    namespace = stringOption(args, 'namespace') ?? stringOption(args, 'n');
    name = stringOption(args, 'name');
    if (files.length === 0) throw new Error('name at least one FILE, or - for standard input');
    if (namespace !== undefined && !isKubernetesName(namespace, 63)) {
      throw new Error(`--namespace "${namespace}" is not a namespace name: lowercase letters, digits and "-", at most 63 characters`);
    }
  } catch (err) {
    io.err(`berth import: ${(err as Error).message}\n\n${usage}`);
    return 2;
  }

  const inputs: ImportInput[] = [];
  const unreadable: Message[] = [];
  for (const path of files) {
    try {
      inputs.push({ file: inputLabel(path), text: await io.read(path) });
    } catch (err) {
      unreadable.push({ severity: 'error', file: inputLabel(path), path: '', message: `cannot read: ${(err as Error).message}` });
    }
  }
  const result = importEcs(inputs, { namespace, name });
  const messages = [...unreadable, ...result.messages];
  for (const m of messages) io.err(`${formatMessage(m)}\n`);
  if (messages.some((m) => m.severity === 'error')) return 1;
  io.out(toYamlStream(result.resources));
  return 0;
}

export const importCommand: Command = {
  name: 'import',
  summary: 'turn ECS task definition and service JSON into TaskDefinition and Service resources',
  usage,
  run: (argv) => runImport(argv, processIo()),
};
