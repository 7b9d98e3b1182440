// The steps of one flow attempt that have been running for a while: what the attempt's heartbeat details show
// as `stepInFlight`. Fast steps are never reported (nothing to show, and no reason to heartbeat for them).
import { STEP_REPORT_DELAY_MS } from '../../common/defaults';
import type { StepInFlight } from '../../common/types';

/** A step that has started; `end()` it when it settles (recorded or failed). */
export interface StartedStep {
  /** Whether the step ran long enough to be reported (its journal entry then keeps `startedAt`). */
  readonly reported: boolean;
  end(): void;
}

/**
 * Tracks the attempt's slow steps. `onChange` runs whenever the step to show changes (a step passed the delay, or a
 * reported step ended), so the attempt can heartbeat at once instead of at its next interval.
 *
 * @example
 * const inFlight = new StepsInFlight(() => ctx.heartbeat(details()));
 * const started = inFlight.start({ key: '2', kind: 'model', name: 'googleai/gemini', attempt: 1, startedAt });
 * try { await callModel(); } finally { started.end(); }
 */
export class StepsInFlight {
  private readonly reported = new Set<StepInFlight>();
  private closed = false;
  /** Set by the attempt once it can heartbeat. */
  onChange: () => void = () => undefined;

  constructor(private readonly delayMs = STEP_REPORT_DELAY_MS) {}

  /** The step to show: the latest started of the reported ones still running. */
  get current(): StepInFlight | undefined {
    let latest: StepInFlight | undefined;
    for (const step of this.reported) if (!latest || step.startedAt >= latest.startedAt) latest = step;
    return latest;
  }

  start(step: StepInFlight): StartedStep {
    let reported = false;
    let ended = false;
    const timer = setTimeout(() => {
      if (this.closed) return;
      reported = true;
      this.reported.add(step);
      this.onChange();
    }, this.delayMs);
    return {
      get reported() {
        return reported;
      },
      end: () => {
        if (ended) return;
        ended = true;
        clearTimeout(timer);
        if (this.reported.delete(step)) this.onChange();
      },
    };
  }

  /** The attempt is over: nothing is reported any more (parallel branches may still be running). */
  close(): void {
    this.closed = true;
    this.reported.clear();
  }
}
