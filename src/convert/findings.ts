import type { z } from 'zod';
import { formatPath, type Path } from '../api/rules.js';

// What a conversion says besides the object it builds. Paths are JSON paths into the input as
// given ("$.services[0].cluster"), so that a user can find the place in their own file.

export interface Finding {
  path: string;
  message: string;
}

/** The outcome of converting one input: the value, or the errors that prevent it, plus warnings. */
export interface Conversion<T> {
  value?: T;
  warnings: Finding[];
  errors: Finding[];
}

/** A finding of one input file, as the command line prints it. */
export interface Message extends Finding {
  severity: 'warning' | 'error';
  /** Empty for a message about the whole command. */
  file: string;
}

/** "warning: taskdefs/web.json: $.containerDefinitions[0].logConfiguration: not honoured: …" */
export function formatMessage(m: Message): string {
  return [m.severity, m.file, m.path, m.message].filter((part) => part !== '').join(': ');
}

/** The JSON path of `rest` below `base`: jsonPath(['$', 'services', 0], 'cluster') is "$.services[0].cluster". */
export function jsonPath(base: Path, ...rest: PropertyKey[]): string {
  return formatPath([...base, ...rest]);
}

/** A "$"-rooted path relative to a document ("$.cpu") moved below `base` ("$.taskDefinition.cpu"). */
export function rebase(path: string, base: Path): string {
  return formatPath(base) + path.slice(1);
}

/**
 * Schema issues as findings below `base`, with the API's own messages; an unknown field is
 * reported at its own path rather than at the object that holds it.
 */
export function schemaErrors(issues: readonly z.core.$ZodIssue[], base: Path): Finding[] {
  return issues.flatMap((issue) =>
    issue.code === 'unrecognized_keys'
      ? issue.keys.map((key) => ({ path: jsonPath(base, ...issue.path, key), message: 'unknown field: Berth knows no ECS field of this name here' }))
      : [{ path: jsonPath(base, ...issue.path), message: issue.message }],
  );
}
