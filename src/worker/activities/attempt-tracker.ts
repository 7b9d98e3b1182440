// Fast failover: when a worker is told to stop, its in-flight flow attempts fail at once as retryable, so
// another worker resumes them from the journal instead of waiting for a heartbeat timeout.

/** Reason an attempt was aborted because its worker is stopping. */
export class WorkerShutdownAbort extends Error {
  override readonly name = 'WorkerShuttingDown';
  constructor() {
    super('worker shutting down; the flow resumes on another worker');
  }
}

/** The flow attempts running on one worker. */
export class AttemptTracker {
  private readonly inFlight = new Set<AbortController>();
  private stopping = false;

  /** Tracks an attempt's abort controller; call the returned function when the attempt ends. */
  track(controller: AbortController): () => void {
    if (this.stopping) controller.abort(new WorkerShutdownAbort());
    this.inFlight.add(controller);
    return () => this.inFlight.delete(controller);
  }

  /** Aborts every in-flight attempt (and any that starts later) with `WorkerShutdownAbort`. */
  abortAll(): void {
    this.stopping = true;
    for (const controller of this.inFlight) controller.abort(new WorkerShutdownAbort());
  }
}
