// A small JSON Schema checker for workflow code, where ajv cannot run. It covers what Genkit's Zod-to-JSON-Schema
// conversion produces for input schemas (types, objects, arrays, enums, bounds, unions); unknown keywords pass.
// Returns the problems found, as `path: message` strings; an empty list means the value is valid.

type Schema = Record<string, any> | boolean | undefined;

export function validateJsonSchema(value: unknown, schema: Schema, path = '$'): string[] {
  if (schema === undefined || schema === true) return [];
  if (schema === false) return [`${path}: no value is allowed here`];
  const problems: string[] = [];
  const s = schema;

  if (s.type !== undefined) {
    const types: string[] = Array.isArray(s.type) ? s.type : [s.type];
    if (!types.some((t) => hasType(value, t)))
      return [`${path}: must be ${types.join(' or ')}, got ${typeName(value)}`];
  }
  if (s.const !== undefined && !deepEqual(value, s.const)) problems.push(`${path}: must be ${JSON.stringify(s.const)}`);
  if (Array.isArray(s.enum) && !s.enum.some((e: unknown) => deepEqual(value, e))) {
    problems.push(`${path}: must be one of ${s.enum.map((e: unknown) => JSON.stringify(e)).join(', ')}`);
  }
  if (typeof value === 'number') {
    if (typeof s.minimum === 'number' && value < s.minimum) problems.push(`${path}: must be >= ${s.minimum}`);
    if (typeof s.maximum === 'number' && value > s.maximum) problems.push(`${path}: must be <= ${s.maximum}`);
    if (typeof s.exclusiveMinimum === 'number' && value <= s.exclusiveMinimum)
      problems.push(`${path}: must be > ${s.exclusiveMinimum}`);
    if (typeof s.exclusiveMaximum === 'number' && value >= s.exclusiveMaximum)
      problems.push(`${path}: must be < ${s.exclusiveMaximum}`);
  }
  if (typeof value === 'string') {
    if (typeof s.minLength === 'number' && value.length < s.minLength)
      problems.push(`${path}: must have at least ${s.minLength} characters`);
    if (typeof s.maxLength === 'number' && value.length > s.maxLength)
      problems.push(`${path}: must have at most ${s.maxLength} characters`);
    if (typeof s.pattern === 'string' && !new RegExp(s.pattern, 'u').test(value))
      problems.push(`${path}: must match ${s.pattern}`);
  }
  if (Array.isArray(value)) {
    if (typeof s.minItems === 'number' && value.length < s.minItems)
      problems.push(`${path}: must have at least ${s.minItems} items`);
    if (typeof s.maxItems === 'number' && value.length > s.maxItems)
      problems.push(`${path}: must have at most ${s.maxItems} items`);
    if (s.items && typeof s.items === 'object' && !Array.isArray(s.items)) {
      value.forEach((item, i) => problems.push(...validateJsonSchema(item, s.items, `${path}[${i}]`)));
    }
  }
  if (isObject(value)) {
    for (const key of s.required ?? []) {
      if (!(key in value)) problems.push(`${path}.${key}: is required`);
    }
    const properties: Record<string, Schema> = s.properties ?? {};
    for (const [key, v] of Object.entries(value)) {
      if (key in properties) problems.push(...validateJsonSchema(v, properties[key], `${path}.${key}`));
      else if (s.additionalProperties === false) problems.push(`${path}.${key}: is not allowed`);
      else if (typeof s.additionalProperties === 'object')
        problems.push(...validateJsonSchema(v, s.additionalProperties, `${path}.${key}`));
    }
  }
  for (const sub of s.allOf ?? []) problems.push(...validateJsonSchema(value, sub, path));
  const union: Schema[] | undefined = s.anyOf ?? s.oneOf;
  if (union && !union.some((sub) => validateJsonSchema(value, sub, path).length === 0)) {
    problems.push(`${path}: matches none of the allowed shapes`);
  }
  return problems;
}

function hasType(value: unknown, type: string): boolean {
  switch (type) {
    case 'null':
      return value === null;
    case 'integer':
      return typeof value === 'number' && Number.isInteger(value);
    case 'number':
      return typeof value === 'number' && Number.isFinite(value);
    case 'array':
      return Array.isArray(value);
    case 'object':
      return isObject(value);
    default:
      return typeof value === type;
  }
}

function typeName(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'array';
  return typeof value;
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function deepEqual(a: unknown, b: unknown): boolean {
  return JSON.stringify(a) === JSON.stringify(b);
}
