// The worker's side of continuation seals: a worker holding a context key seals every continue-as-new of
// `runGenkitFlow` and accepts a continued execution's journal and state only with a seal that verifies for the
// execution it was continued from. Without a key nothing is sealed or checked (see docs/security.md).
import type { Info } from '@temporalio/activity';
import type { CarriedState, ContinuationCheck, ContinuationSeal } from '../common/types';
import { CONTEXT_KEYS_ENV } from './context-keys';
import { sealContinuation, verifyContinuationSeal, type SealedContinuation } from './continuation-seal';
import type { SignatureProblem } from './signature';
import type { ContextTrust } from './trust';

/**
 * The seal of what the calling execution carries into its next one, or `undefined` when this worker holds no key.
 * @internal The `sealGenkitContinuation` local activity.
 */
export function sealOwnContinuation(
  trust: ContextTrust,
  info: Info,
  carried: CarriedState,
): ContinuationSeal | undefined {
  if (!trust.ring) return undefined;
  const execution = executionOf(info);
  return sealContinuation(trust.ring, { ...execution, fromRunId: execution.runId, ...carriedOf(carried) });
}

/**
 * Whether the calling execution's carried state is its own: sealed by a worker holding the key, for the execution
 * it was continued from — or, with no seal at all, continued by its own workflow according to Temporal's history
 * (`continuedByItsOwnWorkflow`: a continue-as-new made by a worker that did not seal, during an upgrade or while keys
 * are turned on). Always accepted when this worker holds no key (nothing is verified then, the identity included).
 * @internal The `verifyGenkitContinuation` local activity.
 */
export async function checkContinuation(
  trust: ContextTrust,
  info: Info,
  carried: CarriedState,
  continuedByItsOwnWorkflow: (previousRunId: string) => Promise<boolean> = async () => false,
): Promise<ContinuationCheck> {
  if (!trust.ring) return { accepted: true };
  const seal = carried.request.continuationSeal;
  const from = carried.continuedFromRunId;
  const problem: SignatureProblem | undefined = from
    ? verifyContinuationSeal(trust.ring, { ...executionOf(info), fromRunId: from, ...carriedOf(carried) }, seal)
    : 'unsigned';
  if (!problem) return { accepted: true };
  if (problem === 'unsigned' && from && (await continuedByItsOwnWorkflow(from))) {
    return { accepted: true, unsealed: true };
  }
  return { accepted: false, reason: problem, message: explain(problem, seal, [...trust.ring.byId.keys()]) };
}

function executionOf(info: Info): Omit<SealedContinuation, 'fromRunId' | 'request' | 'journal'> & { runId: string } {
  const execution = info.workflowExecution;
  if (!execution) throw new Error('the continuation activities must be called from runGenkitFlow');
  return {
    namespace: info.workflowNamespace ?? info.activityNamespace,
    workflowId: execution.workflowId,
    runId: execution.runId,
  };
}

function carriedOf(carried: CarriedState): Pick<SealedContinuation, 'request' | 'journal'> {
  return { request: carried.request, journal: carried.journal };
}

function explain(problem: SignatureProblem, seal: unknown, known: string[]): string {
  switch (problem) {
    case 'unsigned':
      return (
        'a run cannot be started with a journal or continued state; only the workflow itself continues, and this ' +
        'execution carries no seal from the execution it was continued from (a client start, a cron or retry ' +
        're-run, a schedule, or a reset of such a run)'
      );
    case 'unknown-key':
      return (
        `this execution's continued state was sealed with key "${(seal as { kid: string }).kid}", which this worker ` +
        `does not have (known: ${known.join(', ')}); keep retired keys in ${CONTEXT_KEYS_ENV} until no run carries them`
      );
    case 'malformed':
      return "this execution's continuation seal is malformed";
    case 'mismatch':
      return (
        "this execution's journal or continued state was not sealed for it: it does not match, or it was sealed for " +
        'another run or another execution'
      );
  }
}
