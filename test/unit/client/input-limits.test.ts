// The front door's shape limits on flow inputs and answers: depth counted without recursion (input nested far
// deeper than the stack allows is refused, not a RangeError), size as JSON bytes, both naming the limit.
import { describe, expect, it } from 'vitest';
import { MAX_FLOW_INPUT_BYTES, MAX_INPUT_DEPTH } from '../../../src/common/defaults';
import { validateFlowInput } from '../../../src/client/flow-ref';
import { createDataConverter, FileStorageDriver } from '../../../src/codec';
import { checkInputLimits, inputByteLimit } from '../../../src/client/input-limits';

/** `depth` levels of `{ a: … }` (and arrays every other level), parsed from text: no recursion to build it. */
const nested = (depth: number) =>
  JSON.parse('{"a":['.repeat(Math.ceil(depth / 2)) + '1' + ']}'.repeat(Math.ceil(depth / 2)).slice(0, undefined));

describe('checkInputLimits', () => {
  it('accepts the limit and refuses one level more, naming it', () => {
    const at = JSON.parse('['.repeat(MAX_INPUT_DEPTH) + ']'.repeat(MAX_INPUT_DEPTH));
    expect(() => checkInputLimits(at, 'flow input')).not.toThrow();
    const over = JSON.parse('['.repeat(MAX_INPUT_DEPTH + 1) + ']'.repeat(MAX_INPUT_DEPTH + 1));
    expect(() => checkInputLimits(over, 'flow input')).toThrow(
      expect.objectContaining({ status: 'INVALID_ARGUMENT', message: expect.stringMatching(/MAX_INPUT_DEPTH/) }),
    );
  });

  it('refuses input nested 100,000 deep with INVALID_ARGUMENT, never a RangeError', () => {
    expect(() => checkInputLimits(nested(100_000), 'answer "approval"')).toThrow(/answer "approval" is nested deeper/);
  });

  it('refuses input over MAX_FLOW_INPUT_BYTES as JSON, and passes scalars and undefined', () => {
    expect(() => checkInputLimits('x'.repeat(MAX_FLOW_INPUT_BYTES), 'flow input')).toThrow(/MAX_FLOW_INPUT_BYTES/);
    for (const ok of [undefined, null, 1, 'a', { a: [1, { b: 2 }] }])
      expect(() => checkInputLimits(ok, 'x')).not.toThrow();
  });

  it('applies to every start, also of a flow given by name (no schema to check)', async () => {
    await expect(validateFlowInput('anyFlow', nested(2_200))).rejects.toMatchObject({ status: 'INVALID_ARGUMENT' });
  });

  it('lifts the size bound, not the depth bound, when the data converter offloads large payloads', async () => {
    const offloading = createDataConverter({
      externalStorage: { driver: new FileStorageDriver({ directory: '/tmp' }) },
    });
    const big = 'x'.repeat(MAX_FLOW_INPUT_BYTES + 1);
    expect(inputByteLimit(offloading)).toBe(Infinity);
    expect(inputByteLimit(createDataConverter({}))).toBe(MAX_FLOW_INPUT_BYTES);
    await expect(validateFlowInput('anyFlow', big, { dataConverter: offloading })).resolves.toBeUndefined();
    await expect(validateFlowInput('anyFlow', big)).rejects.toMatchObject({ status: 'INVALID_ARGUMENT' });
    await expect(validateFlowInput('anyFlow', nested(2_200), { dataConverter: offloading })).rejects.toMatchObject({
      status: 'INVALID_ARGUMENT',
    });
  });
});
