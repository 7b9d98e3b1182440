// The workflow's JSON Schema checker (src/workflows/json-schema.ts) against the schemas Genkit's toJsonSchema makes
// of real Zod schemas: it must say yes exactly where Zod says yes, for everything JSON Schema can express.
import { z } from 'genkit';
import { toJsonSchema } from 'genkit/schema';
import { describe, expect, it } from 'vitest';
import { InterruptAnswerSchema } from '../../../src/worker/journal/interrupts';
import { compilePattern, validateJsonSchema } from '../../../src/workflows/json-schema';

const jsonSchemaOf = (schema: z.ZodTypeAny) => toJsonSchema({ schema }) as Record<string, unknown>;

/** [label, zod schema, values to try]: the checker must agree with zod on every value. */
const AGREEMENT: [string, z.ZodTypeAny, unknown[]][] = [
  [
    'object with optional and defaulted fields',
    z.object({ name: z.string(), age: z.number().int().min(0).optional(), vip: z.boolean().default(false) }),
    [
      { name: 'a' },
      { name: 'a', age: 3, vip: true },
      { name: 'a', age: 1.5 },
      { name: 'a', age: -1 },
      { age: 3 },
      {},
      null,
      'a',
      { name: 'a', extra: 1 },
      { name: 'a', age: null },
    ],
  ],
  ['enum', z.enum(['low', 'high']), ['low', 'high', 'medium', 1, null]],
  ['native enum', z.nativeEnum({ A: 1, B: 'b' } as const), [1, 'b', 2, 'A']],
  [
    'InterruptAnswerSchema (a union of objects told apart by a const)',
    InterruptAnswerSchema,
    [
      { action: 'approve' },
      { action: 'approve', metadata: { by: 'ann' }, input: { x: 1 } },
      { action: 'respond', output: 42 },
      { action: 'deny', reason: 'no' },
      { action: 'deny', reason: 7 },
      { action: 'approve', metadata: 'not a record' },
      { action: 'maybe' },
      {},
      'approve',
    ],
  ],
  ['nullable string', z.string().nullable(), ['x', null, undefined, 3]],
  ['nullable object', z.object({ a: z.string() }).nullable(), [{ a: 'x' }, null, { a: 1 }, 'x']],
  ['nullish field', z.object({ a: z.string().nullish() }), [{}, { a: null }, { a: 'x' }, { a: 1 }]],
  [
    'array of objects',
    z.array(z.object({ id: z.number(), tags: z.array(z.string()).min(1) })).max(2),
    [
      [],
      [{ id: 1, tags: ['a'] }],
      [{ id: 1, tags: [] }],
      [{ id: '1', tags: ['a'] }],
      [
        { id: 1, tags: ['a'] },
        { id: 2, tags: ['b'] },
        { id: 3, tags: ['c'] },
      ],
      {},
    ],
  ],
  ['record of numbers', z.record(z.number()), [{}, { a: 1, b: 2 }, { a: '1' }, [], null]],
  ['record with key pattern', z.record(z.string().regex(/^[a-z]+$/), z.number()), [{ ab: 1 }, { Ab: 1 }, { 'a-b': 1 }]],
  ['strict object', z.object({ a: z.string() }).strict(), [{ a: 'x' }, { a: 'x', b: 1 }]],
  ['literal', z.literal(5), [5, 6, '5']],
  [
    'literal object const',
    z.object({ kind: z.literal('point'), at: z.tuple([z.number(), z.number()]) }),
    [
      { kind: 'point', at: [1, 2] },
      { kind: 'point', at: [1] },
      { kind: 'point', at: [1, '2'] },
      { kind: 'point', at: [1, 2, 3] },
      { kind: 'line', at: [1, 2] },
    ],
  ],
  ['tuple', z.tuple([z.string(), z.number()]), [['a', 1], [1, 'a'], ['a'], ['a', 1, 2]]],
  [
    'discriminated union',
    z.discriminatedUnion('k', [z.object({ k: z.literal('a'), x: z.string() }), z.object({ k: z.literal('b') })]),
    [{ k: 'a', x: 'x' }, { k: 'a' }, { k: 'b' }, { k: 'c' }],
  ],
  [
    'intersection',
    z.intersection(z.object({ a: z.string() }), z.object({ b: z.number() })),
    [{ a: 'x', b: 1 }, { a: 'x' }, { b: 1 }],
  ],
  [
    'optional union at the top (anyOf with not:{})',
    z.union([z.string(), z.number()]).optional(),
    ['x', 1, true, null, {}],
  ],
  ['bounds', z.number().gt(0).lt(10).multipleOf(0.5), [0, 0.5, 9.5, 10, 1.25, 3]],
  ['decimal multipleOf', z.number().multipleOf(0.01), [0.07, 1.1, 19.99, 0.001]],
  ['string length', z.string().min(2).max(3), ['a', 'ab', 'abc', 'abcd', '😀', '😀😀']],
  ['regex without u flag', z.string().regex(/^[\w-.]+$/), ['a-b.c', 'a b', '']],
  ['regex with \\- in a class', z.string().regex(/^[a-z\-]+$/), ['a-b', 'A']],
  [
    'startsWith/endsWith/includes',
    z.string().startsWith('ab').endsWith('yz').includes('m'),
    ['abmyz', 'abyz', 'xabmyz'],
  ],
  [
    'email',
    z.string().email(),
    [
      'ann@example.com',
      'a.b+c@mail.example.org',
      'ann@',
      'ann',
      '.ann@example.com',
      'a..b@example.com',
      'ann@example.c',
    ],
  ],
  ['uuid', z.string().uuid(), ['123e4567-e89b-12d3-a456-426614174000', '123e4567e89b12d3a456426614174000', 'x']],
  [
    'datetime',
    z.string().datetime(),
    [
      '2024-02-29T10:00:00Z',
      '2024-02-29T10:00:00.123Z',
      '2023-02-29T10:00:00Z',
      '2024-13-01T10:00:00Z',
      'yesterday',
      '2024-01-01',
    ],
  ],
  [
    'ipv4 or ipv6',
    z.string().ip(),
    [
      '127.0.0.1',
      '255.255.255.255',
      '256.1.1.1',
      '::1',
      '2001:db8::8a2e:370:7334',
      '::ffff:192.168.1.1',
      '1:2:3:4:5:6:7:8',
      '1:2:3:4:5:6:7:8:9',
      '1:::2',
      'x',
    ],
  ],
  ['emoji (a pattern valid only with u)', z.string().emoji(), ['😀', 'a']],
  [
    'recursive via $ref #',
    (() => {
      const Node: z.ZodTypeAny = z.lazy(() => z.object({ v: z.number(), next: Node.optional() }));
      return Node;
    })(),
    [
      { v: 1 },
      { v: 1, next: { v: 2, next: { v: 3 } } },
      { v: 1, next: { v: 'two' } },
      { v: 1, next: { next: { v: 3 } } },
    ],
  ],
  [
    'shared sub-schema via $ref #/properties/a',
    (() => {
      const shared = z.object({ x: z.string() });
      return z.object({ a: shared, b: shared });
    })(),
    [
      { a: { x: '1' }, b: { x: '2' } },
      { a: { x: '1' }, b: { x: 2 } },
      { a: { x: '1' }, b: {} },
    ],
  ],
];

describe('validateJsonSchema agrees with Zod on schemas from toJsonSchema', () => {
  for (const [label, schema, values] of AGREEMENT) {
    it(label, () => {
      const json = jsonSchemaOf(schema);
      for (const value of values) {
        const problems = validateJsonSchema(value, json);
        const zodSays = schema.safeParse(value).success;
        expect({ value, valid: problems.length === 0, problems }).toMatchObject({ value, valid: zodSays });
      }
    });
  }
});

describe('problems name the path and what is wrong', () => {
  it('in the interrupt answer union', () => {
    expect(validateJsonSchema({ action: 'maybe' }, jsonSchemaOf(InterruptAnswerSchema))).toEqual([
      '$: matches none of the allowed shapes',
    ]);
  });

  it('in a recursive schema, deep inside', () => {
    const Node: z.ZodTypeAny = z.lazy(() => z.object({ v: z.number(), next: Node.optional() }));
    expect(validateJsonSchema({ v: 1, next: { v: 2, next: { v: 'x' } } }, jsonSchemaOf(Node))).toEqual([
      '$.next.next.v: must be number, got string',
    ]);
  });

  it('for record keys', () => {
    const schema = jsonSchemaOf(z.record(z.string().regex(/^[a-z]+$/), z.number()));
    expect(validateJsonSchema({ Ab: 1 }, schema)).toEqual(['$.Ab: key must match ^[a-z]+$']);
  });

  it('for tuples', () => {
    expect(validateJsonSchema(['a', 'b'], jsonSchemaOf(z.tuple([z.string(), z.number()])))).toEqual([
      '$[1]: must be number, got string',
    ]);
  });
});

describe('patterns', () => {
  // [pattern, input that matches, input that does not]
  const PATTERNS: [string, string, string][] = [
    ['^[a-z\\-]+$', 'a-b', 'A_B'],
    ['\\d{3}-\\d{4}', '555-1234', '5551234'],
    ['^[\\w-.]+$', 'a.b-c', 'a b'], // invalid with u: a class range from \w
    ['^a\\-b$', 'a-b', 'ab'], // invalid with u: \- outside a class
    ['^\\@handle$', '@handle', 'handle'], // invalid with u: identity escape
    ['^x{$', 'x{', 'x'], // invalid with u: lone brace
    ['^\\p{Lu}+$', 'ÄB', 'äb'], // needs u: a Unicode property
    ['^.$', '😀', 'ab'], // with u, one astral character is one match of `.`
  ];

  it.each(PATTERNS)('%s accepts %j and refuses %j', (pattern, good, bad) => {
    expect(validateJsonSchema(good, { type: 'string', pattern })).toEqual([]);
    expect(validateJsonSchema(bad, { type: 'string', pattern })).toEqual([`$: must match ${pattern}`]);
  });

  it('reports a pattern that compiles with neither flag as a schema problem, not a value problem', () => {
    expect(validateJsonSchema('x', { type: 'string', pattern: '(' })).toEqual([
      "$: the schema's pattern ( is not a valid regular expression",
    ]);
  });

  it('compiles each pattern once', () => {
    const a = compilePattern('^cached-[0-9]+$');
    expect(a).not.toBeNull();
    expect(compilePattern('^cached-[0-9]+$')).toBe(a);
    expect(compilePattern('^x{$')?.flags).toBe('');
    expect(compilePattern('^x$')?.flags).toBe('u');
  });
});

describe('other keywords', () => {
  it('compares enum and const values deeply, whatever the key order', () => {
    expect(validateJsonSchema({ b: 2, a: 1 }, { const: { a: 1, b: 2 } })).toEqual([]);
    expect(validateJsonSchema({ a: 1 }, { const: { a: 1, b: 2 } })).toHaveLength(1);
    expect(validateJsonSchema([{ y: [1], x: null }], { enum: [[{ x: null, y: [1] }]] })).toEqual([]);
    expect(validateJsonSchema([1, 2], { enum: [[2, 1]] })).toHaveLength(1);
    expect(validateJsonSchema(null, { const: null })).toEqual([]);
    expect(validateJsonSchema(0, { const: null })).toEqual(['$: must be null']);
  });

  it('does not mistake inherited keys for present or declared ones', () => {
    expect(validateJsonSchema({}, { type: 'object', required: ['constructor', 'toString'] })).toEqual([
      '$.constructor: is required',
      '$.toString: is required',
    ]);
    const parsed = JSON.parse('{"constructor": 1}');
    expect(validateJsonSchema(parsed, { type: 'object', properties: {}, additionalProperties: false })).toEqual([
      '$.constructor: is not allowed',
    ]);
  });

  it('oneOf needs exactly one match', () => {
    const schema = { oneOf: [{ type: 'number' }, { type: 'integer' }] };
    expect(validateJsonSchema(1.5, schema)).toEqual([]);
    expect(validateJsonSchema(2, schema)).toEqual(['$: matches 2 of the shapes, but must match exactly one']);
    expect(validateJsonSchema('2', schema)).toEqual(['$: matches none of the allowed shapes']);
  });

  it('follows $ref into #/definitions and #/$defs, and reports a missing one', () => {
    const schema = {
      type: 'object',
      properties: { a: { $ref: '#/definitions/Pos' }, b: { $ref: '#/$defs/Name' }, c: { $ref: '#/definitions/Nope' } },
      definitions: { Pos: { type: 'integer', minimum: 1 } },
      $defs: { Name: { type: 'string', minLength: 1 } },
    };
    expect(validateJsonSchema({ a: 1, b: 'x' }, schema)).toEqual([]);
    expect(validateJsonSchema({ a: 0, b: '' }, schema)).toEqual([
      '$.a: must be >= 1',
      '$.b: must have at least 1 characters',
    ]);
    expect(validateJsonSchema({ c: 1 }, schema)).toEqual([
      '$.c: the schema refers to #/definitions/Nope, which it does not define',
    ]);
  });

  it('stops on a $ref loop, a too-deep value and an exploding schema instead of hanging', () => {
    expect(validateJsonSchema(1, { $ref: '#' })).toEqual(["$: the schema's $ref # loops"]);
    let deep: unknown = 1;
    for (let i = 0; i < 1000; i++) deep = [deep];
    expect(validateJsonSchema(deep, { items: { $ref: '#' } }).join()).toContain('nested more than 256 levels deep');
    const exploding = { anyOf: [{ $ref: '#' }, { $ref: '#' }, { type: 'string' }] };
    const started = Date.now();
    expect(validateJsonSchema(1, exploding)).toEqual(['$: the schema is too complex to check (over 200000 checks)']);
    expect(Date.now() - started).toBeLessThan(2000);
  });

  it('uniqueItems compares items deeply', () => {
    expect(
      validateJsonSchema(
        [
          { a: 1, b: 2 },
          { b: 2, a: 1 },
        ],
        { uniqueItems: true },
      ),
    ).toEqual(['$[1]: repeats an earlier item; items must be unique']);
    expect(validateJsonSchema([1, '1', [1]], { uniqueItems: true })).toEqual([]);
  });

  it('patternProperties, minProperties and maxProperties', () => {
    const schema = {
      type: 'object',
      patternProperties: { '^n_': { type: 'number' } },
      additionalProperties: false,
      minProperties: 1,
      maxProperties: 2,
    };
    expect(validateJsonSchema({ n_a: 1 }, schema)).toEqual([]);
    expect(validateJsonSchema({ n_a: 'x', b: 1, n_c: 2 }, schema)).toEqual([
      '$: must have at most 2 properties',
      '$.n_a: must be number, got string',
      '$.b: is not allowed',
    ]);
    expect(validateJsonSchema({}, schema)).toEqual(['$: must have at least 1 properties']);
  });
});
