import { parse, parseAllDocuments, stringify } from 'yaml';

// Text in and out. ECS JSON is JSON, or YAML from `aws … --output yaml` and --cli-input-yaml.
// Resources go out as YAML that kubectl reads the same way: kubectl parses YAML 1.1, where
// strings such as yes, no, on, off, y and 0755 are booleans and numbers, so they are quoted.

/**
 * The value of a JSON or YAML text; throws the parser's error. JSON gets JSON's own messages.
 * A byte order mark, which editors on Windows like to write, is no syntax error.
 */
export function parseJsonOrYaml(text: string): unknown {
  const body = text.replace(/^\uFEFF/, '');
  const trimmed = body.trimStart();
  try {
    return trimmed.startsWith('{') || trimmed.startsWith('[') ? JSON.parse(body) : parse(body);
  } catch (err) {
    throw readable(err);
  }
}

/** Every document of a YAML (or JSON) stream, empty documents left out; throws on the first syntax error. */
export function parseDocuments(text: string): unknown[] {
  const out: unknown[] = [];
  try {
    for (const doc of parseAllDocuments(text)) {
      if (doc.errors.length > 0) throw doc.errors[0];
      const value: unknown = doc.toJS();
      if (value !== null && value !== undefined) out.push(value);
    }
  } catch (err) {
    throw readable(err);
  }
  return out;
}

// The YAML parser recurses: a document nested thousands of levels deep overflows the stack, and
// the parser then reports the overflow (as its own error type) with the position. Say what happened instead of "Maximum call stack size".
function readable(err: unknown): unknown {
  const overflow = /^Maximum call stack size exceeded/;
  if (!(err instanceof Error) || !overflow.test(err.message)) return err;
  return new Error(err.message.replace(overflow, 'the document nests too deeply to read'));
}

/** A multi-document YAML stream, "---" between documents. */
export function toYamlStream(objects: readonly unknown[]): string {
  return objects.map((o) => stringify(o, { version: '1.1', lineWidth: 0, aliasDuplicateObjects: false })).join('---\n');
}
