import type { ToolParameters } from '../tool.ts';
import type { McpSdk } from './load-sdk.ts';

type Json = Record<string, unknown>;

/** Past these a schema is refused: it would cost the model's context and the validator's time. */
const MAX_SCHEMA_BYTES = 64 * 1024;
const MAX_DEPTH = 32;
const TYPES = new Set(['object', 'array', 'string', 'number', 'integer', 'boolean', 'null']);

// Keywords whose value is one subschema, a list of them, or a map of them (JSON Schema 2020-12 and 2019-09).
const ONE = [
  'additionalProperties',
  'unevaluatedProperties',
  'items',
  'additionalItems',
  'unevaluatedItems',
  'contains',
  'propertyNames',
  'not',
  'if',
  'then',
  'else',
];
const LIST = ['allOf', 'anyOf', 'oneOf', 'prefixItems'];
const MAP = ['properties', 'patternProperties', '$defs', 'definitions', 'dependentSchemas'];

const isObject = (value: unknown): value is Json =>
  typeof value === 'object' && value !== null && !Array.isArray(value);

/** Why `schema` (a subschema at `at`) cannot be used, or undefined when it can. */
function problemIn(schema: unknown, at: string, depth: number): string | undefined {
  if (typeof schema === 'boolean') return undefined;
  if (!isObject(schema))
    return `${at} is ${Array.isArray(schema) ? 'an array' : typeof schema}, not a schema`;
  if (depth > MAX_DEPTH) return `it nests deeper than ${MAX_DEPTH} levels`;
  const type = schema.type;
  const types = Array.isArray(type) ? type : type === undefined ? [] : [type];
  const unknown = types.find((t) => typeof t !== 'string' || !TYPES.has(t));
  if (unknown !== undefined) return `${at}/type names no JSON type (${JSON.stringify(unknown)})`;
  if (schema.required !== undefined) {
    if (!Array.isArray(schema.required) || !schema.required.every((r) => typeof r === 'string')) {
      return `${at}/required is not a list of property names`;
    }
  }
  if (schema.enum !== undefined && !Array.isArray(schema.enum)) return `${at}/enum is not a list`;
  if (schema.pattern !== undefined) {
    if (typeof schema.pattern !== 'string') return `${at}/pattern is not a string`;
    try {
      new RegExp(schema.pattern, 'u');
    } catch {
      return `${at}/pattern is not a valid regular expression`;
    }
  }
  if (schema.$ref !== undefined && typeof schema.$ref !== 'string') return `${at}/$ref is not a string`;
  for (const key of ONE) {
    const sub = schema[key];
    if (sub === undefined || (key === 'items' && Array.isArray(sub))) continue;
    const problem = problemIn(sub, `${at}/${key}`, depth + 1);
    if (problem) return problem;
  }
  for (const key of [...LIST, ...(Array.isArray(schema.items) ? ['items'] : [])]) {
    const list = schema[key];
    if (list === undefined) continue;
    if (!Array.isArray(list)) return `${at}/${key} is not a list of schemas`;
    for (const [i, sub] of list.entries()) {
      const problem = problemIn(sub, `${at}/${key}/${i}`, depth + 1);
      if (problem) return problem;
    }
  }
  for (const key of MAP) {
    const map = schema[key];
    if (map === undefined) continue;
    if (!isObject(map)) return `${at}/${key} is not an object of schemas`;
    for (const [name, sub] of Object.entries(map)) {
      if (key === 'patternProperties') {
        try {
          new RegExp(name, 'u');
        } catch {
          return `${at}/patternProperties has an invalid pattern ${JSON.stringify(name)}`;
        }
      }
      const problem = problemIn(sub, `${at}/${key}/${name}`, depth + 1);
      if (problem) return problem;
    }
  }
  return undefined;
}

/** Every `$ref` of the dereferenced schema must point inside it: Hearth fetches no remote schemas. */
function unresolvedRef(
  schema: unknown,
  lookup: Record<string, unknown>,
  seen = new Set<unknown>(),
): string | undefined {
  if (!isObject(schema) || seen.has(schema)) return undefined;
  seen.add(schema);
  const absolute = (schema as { __absolute_ref__?: string }).__absolute_ref__;
  if (typeof schema.$ref === 'string' && (absolute === undefined || lookup[absolute] === undefined)) {
    return `$ref ${JSON.stringify(schema.$ref)} points outside the schema`;
  }
  for (const value of Object.values(schema)) {
    const values = Array.isArray(value) ? value : [value];
    for (const item of values) {
      const problem = unresolvedRef(item, lookup, seen);
      if (problem) return problem;
    }
  }
  return undefined;
}

export type CheckedSchema =
  { ok: true; parameters: ToolParameters<Record<string, unknown>> } | { ok: false; reason: string };

/**
 * Checks a tool's `inputSchema` before any agent sees it and, when it is usable, gives the
 * parameters the agent loop validates the model's arguments with (the SDK's CSP-safe
 * @cfworker/json-schema validator: no code generation, so it runs under a strict CSP).
 */
export function checkToolSchema(
  sdk: McpSdk,
  inputSchema: unknown,
  /** What the schema describes, for the messages: the model's arguments, or the tool's result. */
  subject: 'arguments' | 'result' = 'arguments',
): CheckedSchema {
  if (!isObject(inputSchema)) return { ok: false, reason: 'its input schema is not a JSON object' };
  if (inputSchema.type !== 'object') {
    return {
      ok: false,
      reason: `its input schema has type ${JSON.stringify(inputSchema.type)}; MCP requires "object"`,
    };
  }
  let text: string;
  try {
    text = JSON.stringify(inputSchema);
  } catch {
    return { ok: false, reason: 'its input schema cannot be written as JSON' };
  }
  if (text.length > MAX_SCHEMA_BYTES) {
    return {
      ok: false,
      reason: `its input schema is ${text.length} bytes, over the ${MAX_SCHEMA_BYTES} Hearth accepts`,
    };
  }
  const problem = problemIn(inputSchema, '#', 0);
  if (problem) return { ok: false, reason: `its input schema is malformed: ${problem}` };

  // The validator marks the schema it is given; the model is shown an untouched copy.
  const shown = JSON.parse(text) as Json;
  const checked = JSON.parse(text) as Json;
  let validator: InstanceType<McpSdk['JsonSchemaValidator']>;
  let lookup: Record<string, unknown>;
  try {
    lookup = sdk.dereferenceSchema(checked as never);
    validator = new sdk.JsonSchemaValidator(checked as never, '2020-12', false);
  } catch (error) {
    return { ok: false, reason: `its input schema cannot be compiled: ${(error as Error).message}` };
  }
  const ref = unresolvedRef(checked, lookup);
  if (ref) return { ok: false, reason: `its input schema is unusable: ${ref}` };

  return {
    ok: true,
    parameters: {
      jsonSchema: shown,
      parse(input: unknown) {
        const args = input === undefined || input === null ? {} : input;
        if (!isObject(args)) return { success: false, error: `The ${subject} must be a JSON object.` };
        let result: ReturnType<typeof validator.validate>;
        try {
          result = validator.validate(args);
        } catch (error) {
          return {
            success: false,
            error: `The ${subject} could not be checked: ${(error as Error).message}`,
          };
        }
        if (result.valid) return { success: true, data: args };
        // The leaves say what is wrong; the "a subschema had errors" lines above them say nothing.
        const leaves = result.errors.filter(
          (e) => !/subschema|had errors|does not match schema/i.test(e.error),
        );
        const lines = (leaves.length > 0 ? leaves : result.errors)
          .slice(0, 8)
          .map(
            (e) =>
              `${e.instanceLocation === '#' ? 'arguments' : e.instanceLocation.replace(/^#\//, '')}: ${e.error}`,
          );
        return { success: false, error: `The ${subject} do not fit the tool's schema: ${lines.join('; ')}` };
      },
    },
  };
}
