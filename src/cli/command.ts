/** One `berth` subcommand. `run` returns the process exit code; it never calls process.exit itself. */
export interface Command {
  name: string;
  summary: string;
  /** Full help text printed for `berth <name> --help`. */
  usage: string;
  run(argv: string[]): Promise<number>;
}

/** True when argv asks for help in any of the usual spellings. */
export function wantsHelp(argv: string[]): boolean {
  return argv.includes('--help') || argv.includes('-h') || argv[0] === 'help';
}
