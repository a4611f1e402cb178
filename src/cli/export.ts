import { exportResources } from '../convert/export.js';
import { formatMessage } from '../convert/findings.js';
import { parseArgs, rejectUnknown } from './args.js';
import { wantsHelp, type Command } from './command.js';
import { inputLabel, processIo, type CommandIo } from './import.js';

const usage = `Usage: berth export -f FILE
       berth export -            (standard input)

Turns Berth TaskDefinitions and Services back into ECS JSON: register-task-definition
input and create-service input, for aws ecs ... --cli-input-json.
  kubectl get taskdefinition web -o yaml | berth export - > web.json
  aws ecs register-task-definition --cli-input-json file://web.json

FILE holds YAML or JSON: one resource, several (--- between them) or a List, as kubectl
prints them. Each resource becomes one JSON object on standard output, one after the other.

The ECS names import had to change come back from annotation ecs.berth.dev/original-name
(and a Service's taskDefinition from ecs.berth.dev/original-task-definition) as long as the
resource still has the name they gave. spec.kubernetes, spec.autoScaling and
spec.forceNewDeployment have no CreateService or RegisterTaskDefinition field; they are
left out with a warning. Status and metadata are left out.

Exit status: 0 exported, 1 invalid input, 2 wrong usage.
`;

/** The one input named by -f FILE, --filename FILE or -. */
function inputOf(argv: string[]): string {
  const args = parseArgs(argv);
  rejectUnknown(args, ['f', 'filename']);
  const flag = args.options.get('f') ?? args.options.get('filename');
  // "-f -": the parser leaves "-" positional, since it reads as an option of its own.
  const file = flag === true && args.positional[0] === '-' ? args.positional.shift() : flag;
  if (typeof file === 'string' && args.positional.length === 0) return file;
  if (file === undefined && args.positional.length === 1 && args.positional[0] === '-') return '-';
  throw new Error('name one input: -f FILE, or - for standard input');
}

export async function runExport(argv: string[], io: CommandIo): Promise<number> {
  if (wantsHelp(argv)) {
    io.out(usage);
    return 0;
  }
  let path: string;
  try {
    path = inputOf(argv);
  } catch (err) {
    io.err(`berth export: ${(err as Error).message}\n\n${usage}`);
    return 2;
  }
  let text: string;
  try {
    text = await io.read(path);
  } catch (err) {
    io.err(`error: ${inputLabel(path)}: cannot read: ${(err as Error).message}\n`);
    return 1;
  }
  const result = exportResources(inputLabel(path), text);
  for (const m of result.messages) io.err(`${formatMessage(m)}\n`);
  if (result.messages.some((m) => m.severity === 'error')) return 1;
  io.out(result.objects.map((o) => `${JSON.stringify(o, null, 2)}\n`).join(''));
  return 0;
}

export const exportCommand: Command = {
  name: 'export',
  summary: 'turn TaskDefinition and Service resources back into ECS JSON',
  usage,
  run: (argv) => runExport(argv, processIo()),
};
