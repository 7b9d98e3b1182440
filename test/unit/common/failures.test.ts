// The failure vocabulary (src/common/failures.ts): the type strings are wire format and never change, and the
// builder the workflow now uses produces, byte for byte, the failures the workflow used to assemble by hand.
import { ApplicationFailure, defaultPayloadConverter } from '@temporalio/common';
import { describe, expect, it } from 'vitest';
import { FailureTypes, libraryFailure } from '../../../src/common/failures';
import { FailureTypes as FailureTypesFromTypes } from '../../../src/common/types';
import { UNTRUSTED_CONTEXT_FAILURE } from '../../../src/identity';

describe('FailureTypes', () => {
  it('keeps every type string callers and recorded histories match on', () => {
    expect(FailureTypes).toEqual({
      flowNotFound: 'GenkitFlowNotFound',
      genkitError: 'GenkitError',
      nonDeterministic: 'NonDeterministicFlow',
      workerShutdown: 'WorkerShuttingDown',
      stepTooLarge: 'StepResultTooLarge',
      inputTimeout: 'InputTimeout',
      staleAttempt: 'StaleFlowAttempt',
      journalLimit: 'JournalLimitExceeded',
      journalWriteRejected: 'JournalWriteRejected',
      failoverLimit: 'FailoverLimitExceeded',
      resultTooLarge: 'FlowResultTooLarge',
      invalidInput: 'InvalidFlowInput',
      notAccepted: 'FlowMessageNotAccepted',
      untrustedContext: 'UntrustedFlowContext',
      attemptTimedOut: 'FlowAttemptTimedOut',
      budgetExceeded: 'BudgetExceeded',
      activityOutsideRun: 'GenkitActivityOutsideRunGenkitFlow',
    });
  });

  it('is one table: the old names are the same object and string', () => {
    expect(FailureTypesFromTypes).toBe(FailureTypes);
    expect(UNTRUSTED_CONTEXT_FAILURE).toBe(FailureTypes.untrustedContext);
    expect(new Set(Object.values(FailureTypes)).size).toBe(Object.keys(FailureTypes).length);
  });
});

/** What a failure is on the wire: its type, message, retryability and its details as the payload converter writes them. */
function wire(failure: ApplicationFailure) {
  return {
    type: failure.type,
    message: failure.message,
    nonRetryable: failure.nonRetryable,
    nextRetryDelay: failure.nextRetryDelay,
    details: (failure.details ?? []).map((d) => Buffer.from(defaultPayloadConverter.toPayload(d).data!).toString()),
  };
}

describe('libraryFailure builds what the workflow built by hand', () => {
  const message = 'why it failed';
  // Each pair: the call run-genkit-flow.ts makes now, and the ApplicationFailure.create it replaced (verbatim).
  const cases: Array<[string, ApplicationFailure, ApplicationFailure]> = [
    [
      'forged continuation (with a reason)',
      libraryFailure(FailureTypes.genkitError, message, {
        attempt: 0,
        status: 'INVALID_ARGUMENT',
        detail: { reason: 'unsigned' },
      }),
      ApplicationFailure.create({
        type: FailureTypes.genkitError,
        message: `INVALID_ARGUMENT: ${message}`,
        nonRetryable: true,
        details: [
          {
            error: { name: 'GenkitError', status: 'INVALID_ARGUMENT', message, detail: { reason: 'unsigned' } },
            attempt: 0,
          },
        ],
      }),
    ],
    [
      'forged continuation (no reason)',
      libraryFailure(FailureTypes.genkitError, message, { attempt: 0, status: 'INVALID_ARGUMENT', detail: undefined }),
      ApplicationFailure.create({
        type: FailureTypes.genkitError,
        message: `INVALID_ARGUMENT: ${message}`,
        nonRetryable: true,
        details: [
          { error: { name: 'GenkitError', status: 'INVALID_ARGUMENT', message, detail: undefined }, attempt: 0 },
        ],
      }),
    ],
    [
      'invalid retry policy',
      libraryFailure(FailureTypes.genkitError, message, { attempt: 0, status: 'INVALID_ARGUMENT' }),
      ApplicationFailure.create({
        type: FailureTypes.genkitError,
        message: `INVALID_ARGUMENT: ${message}`,
        nonRetryable: true,
        details: [{ error: { name: 'GenkitError', status: 'INVALID_ARGUMENT', message }, attempt: 0 }],
      }),
    ],
    [
      'input timeout',
      libraryFailure(FailureTypes.inputTimeout, message, { attempt: 1, status: 'DEADLINE_EXCEEDED' }),
      ApplicationFailure.create({
        type: FailureTypes.inputTimeout,
        message: `DEADLINE_EXCEEDED: ${message}`,
        nonRetryable: true,
        details: [{ error: { name: FailureTypes.inputTimeout, status: 'DEADLINE_EXCEEDED', message }, attempt: 1 }],
      }),
    ],
    [
      'carried journal too large',
      libraryFailure(FailureTypes.journalLimit, message, { attempt: 1, status: 'RESOURCE_EXHAUSTED' }),
      ApplicationFailure.create({
        type: FailureTypes.journalLimit,
        message: `RESOURCE_EXHAUSTED: ${message}`,
        nonRetryable: true,
        details: [{ error: { name: FailureTypes.journalLimit, status: 'RESOURCE_EXHAUSTED', message }, attempt: 1 }],
      }),
    ],
    [
      'failover limit',
      libraryFailure(FailureTypes.failoverLimit, message, { attempt: 7, status: 'UNAVAILABLE' }),
      ApplicationFailure.create({
        type: FailureTypes.failoverLimit,
        message: `UNAVAILABLE: ${message}`,
        nonRetryable: true,
        details: [{ error: { name: FailureTypes.failoverLimit, status: 'UNAVAILABLE', message }, attempt: 7 }],
      }),
    ],
    [
      'attempt timed out',
      libraryFailure(FailureTypes.attemptTimedOut, message, { attempt: 3, status: 'DEADLINE_EXCEEDED' }),
      ApplicationFailure.create({
        type: 'FlowAttemptTimedOut',
        message: `DEADLINE_EXCEEDED: ${message}`,
        nonRetryable: true,
        details: [{ error: { name: 'FlowAttemptTimedOut', status: 'DEADLINE_EXCEEDED', message }, attempt: 3 }],
      }),
    ],
  ];

  it.each(cases)('%s', (_name, built, byHand) => {
    expect(built).toBeInstanceOf(ApplicationFailure);
    expect(wire(built)).toEqual(wire(byHand));
  });

  it('a builder that changed the wire would be caught', () => {
    // The comparison is strict enough to see a changed key order, status or attempt.
    const reordered = ApplicationFailure.create({
      type: FailureTypes.inputTimeout,
      message: `DEADLINE_EXCEEDED: ${message}`,
      nonRetryable: true,
      details: [{ error: { name: FailureTypes.inputTimeout, message, status: 'DEADLINE_EXCEEDED' }, attempt: 1 }],
    });
    expect(
      wire(libraryFailure(FailureTypes.inputTimeout, message, { attempt: 1, status: 'DEADLINE_EXCEEDED' })),
    ).not.toEqual(wire(reordered));
  });
});
