// The run console's forms: a pending input's JSON Schema (as Genkit's Zod conversion emits it) becomes fields,
// and a posted form becomes the value the schema describes — or a clear list of what is wrong with it.
import { z } from 'genkit';
import { toJsonSchema } from 'genkit/schema';
import { describe, expect, it } from 'vitest';
import { fieldName, formValue, FormValueError, inputForm } from '../../../../src/http/console/form-model';
import { InterruptAnswerSchema } from '../../../../src/worker/journal/interrupts';
import { validateJsonSchema } from '../../../../src/workflows/json-schema';

const schemaOf = (schema: z.ZodTypeAny) => toJsonSchema({ schema });
const field = (...path: string[]) => fieldName(path);

describe('inputForm', () => {
  it('turns an approval object into fields plus Approve / Deny (the `approved` boolean is the decision)', () => {
    const schema = schemaOf(
      z.object({
        approved: z.boolean(),
        approver: z.string().min(1).describe('who decides'),
        amount: z.number().int(),
        channel: z.enum(['blog', 'newsletter']).optional(),
        urgent: z.boolean().optional(),
        address: z.object({ city: z.string(), zip: z.string().optional() }),
        tags: z.array(z.string()).optional(),
      }),
    );
    const form = inputForm(schema, 'approval');
    expect(form.mode).toEqual({ kind: 'approval', decisionPath: ['approved'] });
    expect(form.fields.map((f) => [f.kind, f.path.join('.'), f.required])).toEqual([
      ['text', 'approver', true],
      ['number', 'amount', true],
      ['enum', 'channel', false],
      ['boolean', 'urgent', false],
      ['group', 'address', true],
      ['json', 'tags', false],
    ]);
    expect(form.fields[0].description).toBe('who decides');

    const body = {
      [field('approver')]: 'ana',
      [field('amount')]: '42',
      [field('channel')]: '1',
      [field('urgent')]: 'true',
      [field('address', 'city')]: 'Lyon',
      [field('address', 'zip')]: '',
      [field('tags')]: '["a","b"]',
    };
    const approved = formValue(form, body, 'approve');
    expect(approved).toEqual({
      approved: true,
      approver: 'ana',
      amount: 42,
      channel: 'newsletter',
      urgent: true,
      address: { city: 'Lyon' },
      tags: ['a', 'b'],
    });
    expect(validateJsonSchema(approved, schema)).toEqual([]);
    expect(formValue(form, body, 'deny')).toMatchObject({ approved: false });
  });

  it('lists every field that does not parse, and needs a decision for an approval', () => {
    const form = inputForm(
      schemaOf(z.object({ approved: z.boolean(), n: z.number().int(), pick: z.enum(['a']), raw: z.any() })),
      'x',
    );
    const bad = { [field('n')]: '1.5', [field('pick')]: '3', [field('raw')]: '{not json' };
    let error: unknown;
    try {
      formValue(form, bad, 'respond');
    } catch (err) {
      error = err;
    }
    expect(error).toBeInstanceOf(FormValueError);
    expect((error as FormValueError).problems).toEqual([
      'n: must be an integer',
      'pick: choose one of the options',
      'raw: must be JSON',
      'choose Approve or Deny',
    ]);
    expect(() => formValue(form, {}, 'approve')).toThrow('n: required');
  });

  it('a boolean schema is answered by Approve (true) / Deny (false) alone', () => {
    const form = inputForm(schemaOf(z.boolean()), 'confirm');
    expect(form).toEqual({ mode: { kind: 'approval', decisionPath: [] }, fields: [] });
    expect(formValue(form, {}, 'approve')).toBe(true);
    expect(formValue(form, {}, 'deny')).toBe(false);
  });

  it('a primitive or free-form schema is one field answered with Respond', () => {
    const text = inputForm(schemaOf(z.string()), 'comment');
    expect(text.mode.kind).toBe('respond');
    expect(formValue(text, { [field()]: 'hello' }, 'respond')).toBe('hello');
    const anything = inputForm(undefined, 'free');
    expect(anything.fields[0].kind).toBe('json');
    expect(formValue(anything, { [field()]: '[1,2]' }, 'respond')).toEqual([1, 2]);
  });

  it('answers a tool interrupt with approve, deny (with a reason) or respond (with JSON output)', () => {
    const schema = schemaOf(InterruptAnswerSchema);
    const form = inputForm(schema, 'interrupt:transfer', true);
    expect(form.mode.kind).toBe('interrupt');
    const answers = [
      formValue(form, {}, 'approve'),
      formValue(form, { [field('reason')]: 'too much' }, 'deny'),
      formValue(form, {}, 'deny'),
      formValue(form, { [field('output')]: '{"moved":0}' }, 'respond'),
    ];
    expect(answers).toEqual([
      { action: 'approve' },
      { action: 'deny', reason: 'too much' },
      { action: 'deny' },
      { action: 'respond', output: { moved: 0 } },
    ]);
    for (const answer of answers) expect(validateJsonSchema(answer, schema)).toEqual([]);
    expect(() => formValue(form, { [field('output')]: 'nope' }, 'respond')).toThrow('output: must be JSON');
  });

  it('never writes into Object.prototype, whatever the schema names its properties', () => {
    // JSON.parse makes `__proto__` an own key, as a schema from the wire would have it.
    const schema = JSON.parse(
      '{"type":"object","properties":{"__proto__":{"type":"object","properties":{"polluted":{"type":"string"}}},' +
        '"ok":{"type":"string"}}}',
    );
    const form = inputForm(schema, 'p');
    expect(form.fields.map((f) => f.path.join('.'))).toEqual(['ok']);
    const value = formValue(form, { [field('__proto__', 'polluted')]: 'yes', [field('ok')]: 'fine' }, 'respond');
    expect(value).toEqual({ ok: 'fine' });
    expect(Object.getPrototypeOf(value)).toBe(Object.prototype);
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
  });
});
