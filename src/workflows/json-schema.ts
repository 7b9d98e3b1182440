// A small JSON Schema (draft-07) checker for workflow code, where ajv cannot run. It covers what Genkit's
// Zod-to-JSON-Schema conversion produces for input schemas (types, objects, records, arrays, tuples, enums, consts,
// bounds, patterns, formats, unions, `not`, local `$ref`s); other keywords pass. Sandbox-safe: no imports.
// Returns the problems found, as `path: message` strings; an empty list means the value is valid.

type Schema = Record<string, any> | boolean | undefined;

interface Context {
  root: Schema;
  /** `$ref`s followed without descending into the value: a loop of refs would never end. */
  refHops: number;
  depth: number;
  /** Checks left for the whole validation, so a pathological schema cannot stall the workflow task. */
  budget: { left: number };
}

const MAX_REF_HOPS = 32;
/** Deeper values are refused rather than risking the workflow's stack on a recursive schema. */
const MAX_DEPTH = 256;
const MAX_CHECKS = 200_000;

/**
 * Checks `value` against a JSON Schema and lists what is wrong, each as `path: message`.
 *
 * @example
 * ```ts
 * validateJsonSchema({ age: -1 }, { type: 'object', properties: { age: { type: 'integer', minimum: 0 } } });
 * // ['$.age: must be >= 0']
 * ```
 */
export function validateJsonSchema(value: unknown, schema: Schema, path = '$'): string[] {
  const ctx: Context = { root: schema, refHops: 0, depth: 0, budget: { left: MAX_CHECKS } };
  const problems = check(value, schema, path, ctx);
  return ctx.budget.left < 0 ? [`${path}: the schema is too complex to check (over ${MAX_CHECKS} checks)`] : problems;
}

function check(value: unknown, schema: Schema, path: string, ctx: Context): string[] {
  if (schema === undefined || schema === true) return [];
  if (schema === false) return [`${path}: no value is allowed here`];
  if (typeof schema !== 'object' || schema === null) return [];
  if (ctx.depth > MAX_DEPTH) return [`${path}: nested more than ${MAX_DEPTH} levels deep`];
  if (--ctx.budget.left < 0) return [];
  const s = schema;
  const problems: string[] = [];
  const child = (v: unknown, sub: Schema, p: string) => check(v, sub, p, { ...ctx, refHops: 0, depth: ctx.depth + 1 });

  if (typeof s.$ref === 'string') {
    const target = resolveRef(ctx.root, s.$ref);
    if (target === undefined) problems.push(`${path}: the schema refers to ${s.$ref}, which it does not define`);
    else if (ctx.refHops >= MAX_REF_HOPS) problems.push(`${path}: the schema's $ref ${s.$ref} loops`);
    else problems.push(...check(value, target, path, { ...ctx, refHops: ctx.refHops + 1 }));
  }

  if (s.type !== undefined) {
    const types: string[] = Array.isArray(s.type) ? s.type : [s.type];
    if (!types.some((t) => hasType(value, t)))
      return [...problems, `${path}: must be ${types.join(' or ')}, got ${typeName(value)}`];
  }
  if ('const' in s && !deepEqual(value, s.const)) problems.push(`${path}: must be ${JSON.stringify(s.const)}`);
  if (Array.isArray(s.enum) && !s.enum.some((e: unknown) => deepEqual(value, e))) {
    problems.push(`${path}: must be one of ${s.enum.map((e: unknown) => JSON.stringify(e)).join(', ')}`);
  }
  if (typeof value === 'number') problems.push(...checkNumber(value, s, path));
  if (typeof value === 'string') problems.push(...checkString(value, s, path));
  if (Array.isArray(value)) {
    if (typeof s.minItems === 'number' && value.length < s.minItems)
      problems.push(`${path}: must have at least ${s.minItems} items`);
    if (typeof s.maxItems === 'number' && value.length > s.maxItems)
      problems.push(`${path}: must have at most ${s.maxItems} items`);
    if (s.uniqueItems === true) {
      const seen = new Set<string>();
      const dup = value.findIndex((item) => seen.size === seen.add(canonicalJson(item)).size);
      if (dup >= 0) problems.push(`${path}[${dup}]: repeats an earlier item; items must be unique`);
    }
    if (Array.isArray(s.items)) {
      // A tuple: one schema per position, then `additionalItems` for the rest.
      value.forEach((item, i) => {
        const sub = i < s.items.length ? s.items[i] : s.additionalItems;
        if (sub === false) problems.push(`${path}[${i}]: is not allowed (at most ${s.items.length} items)`);
        else problems.push(...child(item, sub, `${path}[${i}]`));
      });
    } else if (s.items !== undefined) {
      value.forEach((item, i) => problems.push(...child(item, s.items, `${path}[${i}]`)));
    }
  }
  if (isObject(value)) problems.push(...checkObject(value, s, path, child));

  for (const sub of Array.isArray(s.allOf) ? s.allOf : []) problems.push(...check(value, sub, path, ctx));
  if (Array.isArray(s.anyOf) && !s.anyOf.some((sub: Schema) => check(value, sub, path, ctx).length === 0)) {
    problems.push(`${path}: matches none of the allowed shapes`);
  }
  if (Array.isArray(s.oneOf)) {
    const matches = s.oneOf.filter((sub: Schema) => check(value, sub, path, ctx).length === 0).length;
    if (matches === 0) problems.push(`${path}: matches none of the allowed shapes`);
    else if (matches > 1) problems.push(`${path}: matches ${matches} of the shapes, but must match exactly one`);
  }
  if (s.not !== undefined && check(value, s.not, path, ctx).length === 0) {
    problems.push(`${path}: must not match ${JSON.stringify(s.not)}`);
  }
  return problems;
}

function checkNumber(value: number, s: Record<string, any>, path: string): string[] {
  const problems: string[] = [];
  if (typeof s.minimum === 'number' && value < s.minimum) problems.push(`${path}: must be >= ${s.minimum}`);
  if (typeof s.maximum === 'number' && value > s.maximum) problems.push(`${path}: must be <= ${s.maximum}`);
  if (typeof s.exclusiveMinimum === 'number' && value <= s.exclusiveMinimum)
    problems.push(`${path}: must be > ${s.exclusiveMinimum}`);
  if (typeof s.exclusiveMaximum === 'number' && value >= s.exclusiveMaximum)
    problems.push(`${path}: must be < ${s.exclusiveMaximum}`);
  if (typeof s.multipleOf === 'number' && s.multipleOf > 0 && !isMultipleOf(value, s.multipleOf))
    problems.push(`${path}: must be a multiple of ${s.multipleOf}`);
  return problems;
}

function checkString(value: string, s: Record<string, any>, path: string): string[] {
  const problems: string[] = [];
  // UTF-16 units, as Zod's min/max count (JSON Schema says code points): what passes here must pass Zod in the flow.
  const length = value.length;
  if (typeof s.minLength === 'number' && length < s.minLength)
    problems.push(`${path}: must have at least ${s.minLength} characters`);
  if (typeof s.maxLength === 'number' && length > s.maxLength)
    problems.push(`${path}: must have at most ${s.maxLength} characters`);
  if (typeof s.pattern === 'string') {
    const regex = compilePattern(s.pattern);
    if (!regex) problems.push(`${path}: the schema's pattern ${s.pattern} is not a valid regular expression`);
    else if (!regex.test(value)) problems.push(`${path}: must match ${s.pattern}`);
  }
  if (typeof s.format === 'string' && hasOwn(FORMATS, s.format) && !FORMATS[s.format]!(value)) {
    problems.push(`${path}: must be a valid ${s.format}`);
  }
  return problems;
}

function checkObject(
  value: Record<string, unknown>,
  s: Record<string, any>,
  path: string,
  child: (v: unknown, sub: Schema, p: string) => string[],
): string[] {
  const problems: string[] = [];
  const keys = Object.keys(value);
  for (const key of Array.isArray(s.required) ? s.required : []) {
    if (!hasOwn(value, key)) problems.push(`${path}.${key}: is required`);
  }
  if (typeof s.minProperties === 'number' && keys.length < s.minProperties)
    problems.push(`${path}: must have at least ${s.minProperties} properties`);
  if (typeof s.maxProperties === 'number' && keys.length > s.maxProperties)
    problems.push(`${path}: must have at most ${s.maxProperties} properties`);
  const properties: Record<string, Schema> = isObject(s.properties) ? (s.properties as Record<string, Schema>) : {};
  const patterns = isObject(s.patternProperties) ? Object.entries(s.patternProperties as Record<string, Schema>) : [];
  for (const key of keys) {
    const at = `${path}.${key}`;
    if (s.propertyNames !== undefined) {
      for (const problem of child(key, s.propertyNames, at))
        problems.push(`${at}: key ${problem.slice(at.length + 2)}`);
    }
    let known = hasOwn(properties, key);
    if (known) problems.push(...child(value[key], properties[key], at));
    for (const [pattern, sub] of patterns) {
      const regex = compilePattern(pattern);
      if (!regex) problems.push(`${at}: the schema's pattern ${pattern} is not a valid regular expression`);
      else if (regex.test(key)) {
        known = true;
        problems.push(...child(value[key], sub, at));
      }
    }
    if (known) continue;
    if (s.additionalProperties === false) problems.push(`${at}: is not allowed`);
    else if (isObject(s.additionalProperties)) problems.push(...child(value[key], s.additionalProperties, at));
  }
  return problems;
}

/** A local `$ref` (`#`, `#/definitions/X`, `#/$defs/X`, any JSON pointer into the schema), or undefined. */
function resolveRef(root: Schema, ref: string): Schema {
  if (ref === '#') return root;
  if (!ref.startsWith('#/')) return undefined;
  let node: unknown = root;
  for (const raw of ref.slice(2).split('/')) {
    let token: string;
    try {
      token = decodeURIComponent(raw).replace(/~1/g, '/').replace(/~0/g, '~');
    } catch {
      return undefined;
    }
    if (typeof node !== 'object' || node === null || !hasOwn(node as object, token)) return undefined;
    node = (node as Record<string, unknown>)[token];
  }
  return typeof node === 'boolean' || isObject(node) ? (node as Schema) : undefined;
}

const patternCache = new Map<string, RegExp | null>();
const MAX_CACHED_PATTERNS = 256;

/**
 * Compiles a schema `pattern`: with the `u` flag as JSON Schema intends, else without it, since many patterns
 * (Zod regexes among them: `[\w-.]`, `\@`, `a{`) are valid only without it. Null when neither compiles.
 */
export function compilePattern(pattern: string): RegExp | null {
  let regex = patternCache.get(pattern);
  if (regex !== undefined) return regex;
  regex = tryRegExp(pattern, 'u') ?? tryRegExp(pattern, '');
  if (patternCache.size >= MAX_CACHED_PATTERNS) patternCache.clear();
  patternCache.set(pattern, regex);
  return regex;
}

function tryRegExp(pattern: string, flags: string): RegExp | null {
  try {
    return new RegExp(pattern, flags);
  } catch {
    return null;
  }
}

const DATE = /^(\d{4})-(\d{2})-(\d{2})$/;
const TIME = /^([01]\d|2[0-3]):([0-5]\d):([0-5]\d|60)(\.\d+)?(z|[+-]([01]\d|2[0-3]):[0-5]\d)$/i;
const DAYS_IN_MONTH = [31, 29, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31];

/** The formats Zod's conversion emits, checked as RFC 3339 / RFC 4122 / RFC 3986 define them. */
const FORMATS: Record<string, (value: string) => boolean> = {
  date: isDate,
  time: (v) => TIME.test(v),
  'date-time': (v) => {
    const [date, time, ...rest] = v.split(/[tT ]/);
    return rest.length === 0 && time !== undefined && isDate(date!) && TIME.test(time);
  },
  email: (v) => /^(?!\.)(?!.*\.\.)[\w'+.-]*[\w+-]@(?:[a-z0-9][a-z0-9-]*\.)+[a-z]{2,}$/i.test(v),
  uuid: (v) => /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i.test(v),
  uri: (v) => /^[a-z][a-z0-9+.-]*:[^\s]*$/i.test(v),
  ipv4: isIpv4,
  ipv6: isIpv6,
};

function isDate(value: string): boolean {
  const m = DATE.exec(value);
  if (!m) return false;
  const [year, month, day] = [Number(m[1]), Number(m[2]), Number(m[3])];
  if (month < 1 || month > 12 || day < 1 || day > DAYS_IN_MONTH[month - 1]!) return false;
  const leap = (year % 4 === 0 && year % 100 !== 0) || year % 400 === 0;
  return month !== 2 || day <= 28 || leap;
}

function isIpv4(value: string): boolean {
  const parts = value.split('.');
  return parts.length === 4 && parts.every((p) => /^(0|[1-9]\d{0,2})$/.test(p) && Number(p) <= 255);
}

function isIpv6(value: string): boolean {
  let groups = value.split(':');
  let maxGroups = 8;
  const last = groups[groups.length - 1]!;
  if (last.includes('.')) {
    // An embedded IPv4 address takes the room of two groups.
    if (!isIpv4(last)) return false;
    groups = groups.slice(0, -1);
    maxGroups = 6;
    if (groups[groups.length - 1] === '') groups.push(''); // "::1.2.3.4" ends in an empty group after the split
  }
  const joined = groups.join(':');
  const halves = joined.split('::');
  if (halves.length > 2) return false;
  const hex = (part: string) => (part === '' ? [] : part.split(':'));
  const head = hex(halves[0]!);
  const tail = halves.length === 2 ? hex(halves[1]!) : [];
  const all = [...head, ...tail];
  if (!all.every((g) => /^[0-9a-f]{1,4}$/i.test(g))) return false;
  return halves.length === 2 ? all.length < maxGroups : all.length === maxGroups;
}

function isMultipleOf(value: number, divisor: number): boolean {
  const quotient = value / divisor;
  // Decimal divisors (0.01) are not exact in binary floating point: allow for the rounding.
  return Math.abs(quotient - Math.round(quotient)) < 1e-9;
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

function hasOwn(obj: object, key: string): boolean {
  return Object.prototype.hasOwnProperty.call(obj, key);
}

/** JSON with object keys sorted, so equal values give equal strings. */
function canonicalJson(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(',')}]`;
  if (isObject(value)) {
    const keys = Object.keys(value).sort();
    return `{${keys.map((k) => `${JSON.stringify(k)}:${canonicalJson(value[k])}`).join(',')}}`;
  }
  return JSON.stringify(value) ?? 'undefined';
}

/** JSON equality: objects equal whatever their key order, arrays item by item. */
function deepEqual(a: unknown, b: unknown): boolean {
  if (a === b) return true;
  if (Array.isArray(a) || Array.isArray(b)) {
    return Array.isArray(a) && Array.isArray(b) && a.length === b.length && a.every((x, i) => deepEqual(x, b[i]));
  }
  if (!isObject(a) || !isObject(b)) return false;
  const keys = Object.keys(a);
  return keys.length === Object.keys(b).length && keys.every((k) => hasOwn(b, k) && deepEqual(a[k], b[k]));
}
