// A pending input's JSON Schema as form fields, and a posted form back into the value the schema describes.
// One field list drives both the rendering and the parsing, so the two cannot drift apart. Strings, numbers,
// integers, booleans, enums and nested objects get their own controls; anything else (arrays, unions, records)
// is a JSON text area. The workflow validates the value against the schema again before it accepts it.

type Schema = Record<string, unknown>;

/** One control of the form. `path` is where its value goes in the answer (empty: the answer itself). */
export type FormField =
  | { kind: 'text'; path: string[]; label: string; required: boolean; description?: string; format?: string }
  | { kind: 'number'; path: string[]; label: string; required: boolean; description?: string; integer: boolean }
  | { kind: 'boolean'; path: string[]; label: string; required: boolean; description?: string }
  | { kind: 'enum'; path: string[]; label: string; required: boolean; description?: string; options: unknown[] }
  | { kind: 'json'; path: string[]; label: string; required: boolean; description?: string; schema: unknown }
  | { kind: 'group'; path: string[]; label: string; required: boolean; description?: string; fields: FormField[] };

/** How the form is answered: approve/deny buttons, the three interrupt answers, or one submit button. */
export type FormMode =
  /** A boolean (the schema itself, or its `approved`/`approve` property) set by Approve / Deny buttons. */
  | { kind: 'approval'; decisionPath: string[] }
  /** A Genkit tool interrupt: `{ action: 'approve' | 'deny' | 'respond', … }`. */
  | { kind: 'interrupt' }
  | { kind: 'respond' };

export interface InputForm {
  fields: FormField[];
  mode: FormMode;
}

const MAX_DEPTH = 4;
const APPROVAL_PROPERTIES = ['approved', 'approve'];
const UNSAFE_KEYS = new Set(['__proto__', 'constructor', 'prototype']);

/** The form of an input with `schema` (`interrupt`: it answers a tool interrupt). */
export function inputForm(schema: unknown, inputName: string, interrupt = false): InputForm {
  if (interrupt) {
    return {
      mode: { kind: 'interrupt' },
      fields: [
        { kind: 'text', path: ['reason'], label: 'Reason (for deny)', required: false },
        {
          kind: 'json',
          path: ['output'],
          label: 'Tool output as JSON (for respond)',
          required: false,
          schema: undefined,
        },
      ],
    };
  }
  const s = asSchema(schema);
  if (s && typeOf(s) === 'boolean') return { mode: { kind: 'approval', decisionPath: [] }, fields: [] };
  const root = fieldFor(s, [], inputName, true, 0);
  const fields = root.kind === 'group' ? root.fields : [root];
  const decision = fields.find((f) => f.kind === 'boolean' && APPROVAL_PROPERTIES.includes(f.path[0]));
  if (decision) {
    return { mode: { kind: 'approval', decisionPath: decision.path }, fields: fields.filter((f) => f !== decision) };
  }
  return { mode: { kind: 'respond' }, fields };
}

function fieldFor(
  schema: Schema | undefined,
  path: string[],
  label: string,
  required: boolean,
  depth: number,
): FormField {
  const description = typeof schema?.description === 'string' ? schema.description : undefined;
  const common = { path, label, required, description };
  if (!schema) return { kind: 'json', ...common, schema };
  if (Array.isArray(schema.enum) && schema.enum.length) return { kind: 'enum', ...common, options: schema.enum };
  switch (typeOf(schema)) {
    case 'string':
      return { kind: 'text', ...common, format: typeof schema.format === 'string' ? schema.format : undefined };
    case 'number':
      return { kind: 'number', ...common, integer: false };
    case 'integer':
      return { kind: 'number', ...common, integer: true };
    case 'boolean':
      return { kind: 'boolean', ...common };
    case 'object': {
      const properties = schema.properties;
      if (depth >= MAX_DEPTH || !properties || typeof properties !== 'object') break;
      const requiredNames = Array.isArray(schema.required) ? (schema.required as string[]) : [];
      // A property named like an Object.prototype key would write into the prototype when the value is built.
      const fields = Object.entries(properties as Record<string, unknown>)
        .filter(([name]) => !UNSAFE_KEYS.has(name))
        .map(([name, sub]) => fieldFor(asSchema(sub), [...path, name], name, requiredNames.includes(name), depth + 1));
      return { kind: 'group', ...common, fields };
    }
  }
  return { kind: 'json', ...common, schema };
}

/** The single JSON Schema type of `schema` (a nullable `[T, "null"]` counts as T), if it has one. */
function typeOf(schema: Schema): string | undefined {
  const type = schema.type;
  if (typeof type === 'string') return type;
  if (Array.isArray(type)) {
    const nonNull = type.filter((t) => t !== 'null');
    return nonNull.length === 1 ? nonNull[0] : undefined;
  }
  return undefined;
}

function asSchema(value: unknown): Schema | undefined {
  return value && typeof value === 'object' && !Array.isArray(value) ? (value as Schema) : undefined;
}

/** The form control name of the field at `path`. */
export function fieldName(path: string[]): string {
  return `v:${path.map(encodeURIComponent).join('/')}`;
}

/** A posted form that does not make a value: the problems, one per field. */
export class FormValueError extends Error {
  override readonly name = 'FormValueError';
  constructor(readonly problems: string[]) {
    super(problems.join('; '));
  }
}

/** The button that submitted the form. */
export type Decision = 'approve' | 'deny' | 'respond';

/**
 * The answer a posted form stands for: each field read by its kind (an empty optional field is left out),
 * the decision button applied. Throws `FormValueError` listing every field that does not parse.
 */
export function formValue(form: InputForm, body: Record<string, string | undefined>, decision: Decision): unknown {
  const problems: string[] = [];
  if (form.mode.kind === 'interrupt') {
    if (decision === 'approve') return { action: 'approve' };
    if (decision === 'deny')
      return body[fieldName(['reason'])] ? { action: 'deny', reason: body[fieldName(['reason'])] } : { action: 'deny' };
    const output = readField(form.fields[1], body, problems);
    if (problems.length) throw new FormValueError(problems);
    return { action: 'respond', output: output === undefined ? null : output };
  }
  let value: unknown = form.fields.length === 1 && form.fields[0].path.length === 0 ? undefined : {};
  for (const field of form.fields) {
    const read = readField(field, body, problems);
    if (read !== undefined) value = setAt(value, field.path, read);
  }
  if (form.mode.kind === 'approval') {
    if (decision === 'respond') problems.push('choose Approve or Deny');
    value = setAt(value, form.mode.decisionPath, decision === 'approve');
  }
  if (problems.length) throw new FormValueError(problems);
  return value;
}

function readField(field: FormField, body: Record<string, string | undefined>, problems: string[]): unknown {
  const label = field.path.length ? field.path.join('.') : field.label;
  if (field.kind === 'group') {
    const group: Record<string, unknown> = {};
    for (const sub of field.fields) {
      const read = readField(sub, body, problems);
      if (read !== undefined) group[sub.path[sub.path.length - 1]] = read;
    }
    return group;
  }
  const raw = body[fieldName(field.path)];
  if (field.kind === 'boolean') return raw === 'true';
  if (raw === undefined || raw === '') {
    if (field.required && field.kind !== 'text') problems.push(`${label}: required`);
    return field.kind === 'text' && field.required ? '' : undefined;
  }
  switch (field.kind) {
    case 'text':
      return raw;
    case 'number': {
      const n = Number(raw);
      if (!Number.isFinite(n) || (field.integer && !Number.isInteger(n))) {
        problems.push(`${label}: must be ${field.integer ? 'an integer' : 'a number'}`);
        return undefined;
      }
      return n;
    }
    case 'enum': {
      const index = Number(raw);
      if (!Number.isInteger(index) || index < 0 || index >= field.options.length) {
        problems.push(`${label}: choose one of the options`);
        return undefined;
      }
      return field.options[index];
    }
    case 'json':
      try {
        return JSON.parse(raw);
      } catch {
        problems.push(`${label}: must be JSON`);
        return undefined;
      }
  }
}

function setAt(target: unknown, path: string[], value: unknown): unknown {
  if (!path.length) return value;
  const root = target && typeof target === 'object' ? (target as Record<string, unknown>) : {};
  let node = root;
  for (const key of path.slice(0, -1)) {
    const next = node[key];
    node = node[key] = next && typeof next === 'object' ? (next as Record<string, unknown>) : {};
  }
  node[path[path.length - 1]] = value;
  return root;
}
