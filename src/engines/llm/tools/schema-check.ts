/**
 * Checks the shape of the JSON Schema keywords the grammar engine acts on, before it compiles them,
 * and names the exact place of a mistake (`properties.city.type: "strin" is not a JSON type`).
 * Keywords it does not act on (title, description, format, examples...) pass: the model sees them
 * in the prompt, and they do not change the grammar.
 */
export function schemaProblems(value: unknown): string | undefined {
  const problems: string[] = [];
  check(value, '', problems);
  return problems.length ? problems.slice(0, 3).join('; ') : undefined;
}

const TYPES = new Set(['object', 'array', 'string', 'number', 'integer', 'boolean', 'null']);
const SCHEMA_MAPS = ['properties', '$defs', 'definitions', 'patternProperties'] as const;
const SCHEMA_LISTS = ['anyOf', 'oneOf', 'allOf', 'prefixItems'] as const;
const SCHEMA_VALUES = ['additionalProperties', 'not', 'if', 'then', 'else', 'contains'] as const;
const COUNTS = ['minLength', 'maxLength', 'minItems', 'maxItems', 'minProperties', 'maxProperties'] as const;
const BOUNDS = ['minimum', 'maximum', 'exclusiveMinimum', 'exclusiveMaximum', 'multipleOf'] as const;

function check(schema: unknown, path: string, problems: string[]): void {
  const at = (key: string) => (path ? `${path}.${key}` : key);
  const report = (key: string, message: string) => problems.push(`${at(key)}: ${message}`);
  if (typeof schema === 'boolean') return;
  if (!isObject(schema)) {
    problems.push(`${path || '(root)'}: a schema must be an object or a boolean`);
    return;
  }
  const { type } = schema;
  if (type !== undefined) {
    const types = Array.isArray(type) ? type : [type];
    if (types.length === 0) report('type', 'must name at least one type');
    for (const t of types)
      if (typeof t !== 'string' || !TYPES.has(t)) report('type', `${JSON.stringify(t)} is not a JSON type`);
  }
  for (const key of SCHEMA_MAPS) {
    const map = schema[key];
    if (map === undefined) continue;
    if (!isObject(map)) report(key, 'must be an object of schemas');
    else for (const [name, sub] of Object.entries(map)) check(sub, `${at(key)}.${name}`, problems);
  }
  for (const key of SCHEMA_LISTS) {
    const list = schema[key];
    if (list === undefined) continue;
    if (!Array.isArray(list) || list.length === 0) report(key, 'must be a non-empty array of schemas');
    else list.forEach((sub, i) => check(sub, `${at(key)}.${i}`, problems));
  }
  for (const key of SCHEMA_VALUES) if (schema[key] !== undefined) check(schema[key], at(key), problems);
  const { items, required, properties, additionalProperties } = schema;
  if (Array.isArray(items)) items.forEach((sub, i) => check(sub, `${at('items')}.${i}`, problems));
  else if (items !== undefined) check(items, at('items'), problems);
  if (required !== undefined) {
    if (!Array.isArray(required) || !required.every((r) => typeof r === 'string')) {
      report('required', 'must be an array of property names');
    } else if (additionalProperties === false && isObject(properties)) {
      for (const name of required) {
        if (!(name in properties))
          report('required', `names "${name}", which is not a property (and no others are allowed)`);
      }
    }
  }
  if (schema.enum !== undefined && (!Array.isArray(schema.enum) || schema.enum.length === 0)) {
    report('enum', 'must be a non-empty array');
  }
  for (const key of COUNTS) {
    const n = schema[key];
    if (n !== undefined && !(Number.isInteger(n) && (n as number) >= 0))
      report(key, 'must be a whole number ≥ 0');
  }
  for (const key of BOUNDS)
    if (schema[key] !== undefined && typeof schema[key] !== 'number') report(key, 'must be a number');
  if (schema.$ref !== undefined && typeof schema.$ref !== 'string') report('$ref', 'must be a string');
  if (schema.pattern !== undefined) {
    if (typeof schema.pattern !== 'string' || !isRegExp(schema.pattern))
      report('pattern', 'is not a valid regular expression');
  }
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function isRegExp(pattern: string): boolean {
  try {
    new RegExp(pattern, 'u');
    return true;
  } catch {
    return false;
  }
}
