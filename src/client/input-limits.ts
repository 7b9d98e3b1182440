// Shape limits of flow inputs and answers, checked at the front door: a value nested thousands deep or larger than
// one Temporal payload would otherwise be accepted (202) and fail on the worker, attempt after attempt, or crash the
// validation with a RangeError (500). Iterative, so that the check itself cannot overflow the stack.
import type { DataConverter } from '@temporalio/common';
import { MAX_FLOW_INPUT_BYTES, MAX_INPUT_DEPTH } from '../common/defaults';
import { GenkitError } from './genkit-error';

/**
 * Throws INVALID_ARGUMENT (HTTP 400) naming the limit when `value` nests arrays and objects deeper than
 * `MAX_INPUT_DEPTH` levels or is larger than `maxBytes` as JSON (`inputByteLimit`). `what` names it: `flow input`,
 * `answer "approval"`.
 *
 * @example
 * ```ts
 * checkInputLimits(JSON.parse(body), 'flow input'); // before anything starts
 * ```
 */
export function checkInputLimits(value: unknown, what: string, maxBytes = MAX_FLOW_INPUT_BYTES): void {
  const stack: Array<[unknown, number]> = [[value, 0]];
  while (stack.length) {
    const [node, depth] = stack.pop()!;
    if (node === null || typeof node !== 'object') continue;
    if (depth >= MAX_INPUT_DEPTH) {
      throw new GenkitError({
        status: 'INVALID_ARGUMENT',
        message: `${what} is nested deeper than ${MAX_INPUT_DEPTH} levels of arrays and objects (MAX_INPUT_DEPTH)`,
      });
    }
    for (const child of Array.isArray(node) ? node : Object.values(node)) stack.push([child, depth + 1]);
  }
  // Bounded depth: serialising cannot overflow the stack now.
  if (maxBytes === Infinity) return;
  const bytes = value === undefined ? 0 : Buffer.byteLength(JSON.stringify(value) ?? '');
  if (bytes > maxBytes) {
    throw new GenkitError({
      status: 'INVALID_ARGUMENT',
      message: `${what} is ${bytes} bytes as JSON; at most ${maxBytes} fit one Temporal payload (MAX_FLOW_INPUT_BYTES; a data converter with externalStorage takes larger ones)`,
    });
  }
}

/**
 * The most bytes an input may have with `dataConverter`: one Temporal payload's worth, or no bound when the
 * converter offloads large payloads to external storage (`createDataConverter({ externalStorage })`).
 *
 * @example
 * ```ts
 * checkInputLimits(input, 'flow input', inputByteLimit(config.dataConverter));
 * ```
 */
export function inputByteLimit(dataConverter: DataConverter | undefined): number {
  return dataConverter?.externalStorage ? Infinity : MAX_FLOW_INPUT_BYTES;
}
