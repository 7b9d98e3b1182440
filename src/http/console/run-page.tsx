/** @jsxRuntime automatic @jsxImportSource hono/jsx */
// GET /console/runs/:workflowId: the run's status, the inputs it waits for (as forms), its step timeline from
// the journal, its activities (runs of the flow body), its live stream and its result. Every section reads without JavaScript; the
// console script refreshes them in place and appends streamed chunks.
import { STEP_REPORT_DELAY_MS } from '../../common/defaults';
import type { JournalEntry } from '../../common/types';
import { InputFormView } from './input-form';
import { cut, formatDuration, formatTime, isFinal, preview, prettyJson, statusLabel } from './format';
import { ColumnHeads, Layout, StatusBadge } from './layout';
import { stepDurationMs, type RunDetails, type TimelineStep } from './runs-data';
import type { AttemptTiming } from './run-history';
import type { RunUsage, UsageTotals } from '../../common/usage';

export interface RunPageProps {
  base: string;
  /** Where the JSON API's routes are (for the SSE stream). */
  apiBase: string;
  details: RunDetails;
  /** A message for the person who just acted: an accepted answer, or why it was not accepted. */
  notice?: { kind: 'ok' | 'error'; text: string };
}

/** The run page. */
export function RunPage({ base, apiBase, details, notice }: RunPageProps) {
  const { run } = details;
  const id = encodeURIComponent(run.workflowId);
  const self = `${base}/runs/${id}`;
  const final = isFinal(run.status);
  const unavailable = run.progressUnavailable;
  // "unknown" tells the page script to keep the forms it shows (a half-filled answer survives a worker restart).
  const signature = unavailable ? 'unknown' : run.pendingInputs.map((p) => `${p.name}@${p.requestedAt}`).join('|');
  return (
    <Layout title={`Run ${run.workflowId}`} base={base}>
      <main
        id="content"
        data-run={run.workflowId}
        data-events={`${apiBase}/runs/${id}/events`}
        data-refresh={self}
        data-final={final ? 'true' : 'false'}
      >
        <p>
          <a href={base}>← All runs</a>
        </p>
        <h1>
          Run <code>{run.workflowId}</code>
        </h1>
        {notice ? (
          <p class={notice.kind === 'ok' ? 'notice' : 'alert'} role={notice.kind === 'ok' ? 'status' : 'alert'}>
            {notice.text}
          </p>
        ) : null}
        <div id="run-status" role="status" aria-live="polite">
          <p>
            Status: <StatusBadge status={run.status} label={statusLabel(run.status)} /> · flow{' '}
            <strong>{run.flowName ?? '—'}</strong> · flow attempt {run.progress?.attempt ?? '—'} · steps completed{' '}
            {run.progress?.stepsCompleted ?? details.steps.length}
            {run.progress?.failovers ? ` · failovers ${run.progress.failovers}` : ''}
          </p>
          {run.usage ? <UsageView usage={run.usage} /> : null}
          {unavailable && !final ? (
            <p>
              Progress unavailable right now (<code>{unavailable.status}</code>): {unavailable.message}. Steps, attempt
              and inputs show again once a worker answers.
            </p>
          ) : null}
          {run.progress?.stepInFlight && !final ? (
            <p>
              Now running: {run.progress.stepInFlight.kind} <code>{run.progress.stepInFlight.name}</code> (step{' '}
              {run.progress.stepInFlight.key}, since {formatTime(Date.parse(run.progress.stepInFlight.startedAt))})
            </p>
          ) : null}
          {run.progress?.lastError && !final ? (
            <p>
              Last error: <code>{run.progress.lastError.status ?? 'UNKNOWN'}</code> {run.progress.lastError.message}
            </p>
          ) : null}
          {final ? null : (
            <p class="muted">
              This page updates itself with JavaScript on; otherwise <a href={self}>refresh it</a>.
            </p>
          )}
        </div>

        <section id="inputs" aria-labelledby="inputs-heading" data-signature={signature}>
          <h2 id="inputs-heading">Waiting for</h2>
          {run.pendingInputs.length ? (
            run.pendingInputs.map((input) => (
              <InputFormView action={`${self}/inputs/${encodeURIComponent(input.name)}`} input={input} />
            ))
          ) : unavailable ? (
            <p>Unknown right now: no worker answered. The inputs the run waits for show again once a worker is up.</p>
          ) : (
            <p>Nothing: the run waits for no input.</p>
          )}
        </section>

        <section aria-labelledby="timeline-heading">
          <h2 id="timeline-heading">Steps</h2>
          <div id="timeline">
            <Timeline details={details} />
          </div>
        </section>

        <section aria-labelledby="attempts-heading">
          <h2 id="attempts-heading">Activities</h2>
          <div id="attempts">
            <Attempts attempts={details.attempts} unavailable={details.timingsUnavailable} />
          </div>
        </section>

        <section aria-labelledby="stream-heading">
          <h2 id="stream-heading">Live stream</h2>
          <p id="stream-state" class="muted" aria-live="polite">
            The flow's streamed chunks appear here with JavaScript on (from{' '}
            <code>{`${apiBase}/runs/${id}/events`}</code>
            ).
          </p>
          <ol id="chunks" class="chunks" aria-label="Streamed chunks" />
        </section>

        <section aria-labelledby="result-heading">
          <h2 id="result-heading">Result</h2>
          <div id="result">
            {run.status === 'COMPLETED' ? (
              <pre>{prettyJson(run.result ?? null)}</pre>
            ) : run.error ? (
              <p class="alert">
                <code>{run.error.status}</code> {run.error.message}
              </p>
            ) : (
              <p>Not yet: the run has not ended.</p>
            )}
          </div>
        </section>
      </main>
    </Layout>
  );
}

function Timeline({ details }: { details: RunDetails }) {
  if (details.journalUnavailable) {
    return <p>The journal cannot be read right now: no worker answered. It shows again once a worker is up.</p>;
  }
  if (!details.steps.length) return <p>No step has completed yet.</p>;
  return (
    <table>
      <caption>
        Completed steps from the run's journal, in order. A step run live once is replayed from the journal by later
        attempts, never run again.
      </caption>
      <ColumnHeads names={['Step', 'Kind', 'Name', 'Duration', 'Ran', 'Outcome']} />
      <tbody>
        {details.steps.map((step) => (
          <StepRow step={step} answeredAt={details.answers.get(step.entry.name)} />
        ))}
      </tbody>
    </table>
  );
}

function StepRow({ step, answeredAt }: { step: TimelineStep; answeredAt?: number }) {
  const { entry } = step;
  return (
    <tr>
      <td>{entry.key}</td>
      <td>{entry.kind}</td>
      <td>
        <code>{entry.name}</code>
      </td>
      <td>{durationText(step)}</td>
      <td>{ranText(step, entry, answeredAt)}</td>
      <td>
        {entry.error ? (
          <>
            <strong>
              {entry.retryable ? 'Failed, retried' : 'Failed'}: <code>{entry.error.status ?? 'UNKNOWN'}</code>
            </strong>{' '}
            {entry.error.message}
            {entry.error.retryAfterMs !== undefined ? ` (retry after ${formatDuration(entry.error.retryAfterMs)})` : ''}
          </>
        ) : (
          <code>{outputText(entry)}</code>
        )}
      </td>
    </tr>
  );
}

function durationText(step: TimelineStep): string {
  const ms = stepDurationMs(step);
  if (ms !== undefined) return formatDuration(ms);
  // Steps that finish within the report delay never send a start signal: all we know is that they were fast.
  if (step.recordedBy !== undefined && step.entry.kind !== 'input')
    return `under ${formatDuration(STEP_REPORT_DELAY_MS)}`;
  return '—';
}

/** A model step's text and tool requests; any other step's output as JSON. */
function outputText(entry: JournalEntry): string {
  const content = (entry.output as { response?: { message?: { content?: unknown } } } | undefined)?.response?.message
    ?.content;
  if (entry.kind !== 'model' || !Array.isArray(content)) return preview(entry.output);
  const parts = content.map((part: { text?: unknown; toolRequest?: { name?: unknown } }) =>
    typeof part.text === 'string' ? part.text : part.toolRequest ? `→ tool ${String(part.toolRequest.name)}` : '',
  );
  return cut(parts.filter(Boolean).join(' '));
}

function ranText(step: TimelineStep, entry: JournalEntry, answeredAt?: number): string {
  if (entry.kind === 'input') {
    const when = answeredAt !== undefined ? `answered ${formatTime(answeredAt)}` : 'answered';
    const by = entry.answeredBy;
    return by ? `${when} by ${by.by} (${by.via === 'approval-link' ? 'approval link' : by.via})` : when;
  }
  if (step.recordedBy === undefined) return 'carried from an earlier execution of the run';
  const live = `live in activity #${step.recordedBy}`;
  return step.replayedBy.length ? `${live}; replayed from the journal by #${step.replayedBy.join(', #')}` : live;
}

function Attempts({ attempts, unavailable }: { attempts: AttemptTiming[]; unavailable: boolean }) {
  if (unavailable) return <p>Activities are not shown: the run's history is too long to read here.</p>;
  if (!attempts.length) return <p>No activity has started yet.</p>;
  return (
    <table>
      <caption>
        Each activity is one run of the flow body on a worker (one Temporal activity). A retry starts the next flow
        attempt; a failover (a worker lost) or the resumption after an input starts another activity in the same flow
        attempt.
      </caption>
      <ColumnHeads names={['Activity', 'Flow attempt', 'Started', 'Duration', 'Outcome']} />
      <tbody>
        {attempts.map((a) => (
          <tr>
            <td>#{a.execution}</td>
            <td>{a.flowAttempt ?? '—'}</td>
            <td>{formatTime(a.startedAt ?? a.scheduledAt)}</td>
            <td>
              {formatDuration(
                a.endedAt !== undefined && a.startedAt !== undefined ? a.endedAt - a.startedAt : undefined,
              )}
            </td>
            <td>
              {outcomeText(a)}
              {a.error ? (
                <>
                  {': '}
                  {a.error.status ? <code>{a.error.status}</code> : null} {a.error.message}
                </>
              ) : null}
            </td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}

function outcomeText(a: AttemptTiming): string {
  switch (a.outcome) {
    case 'suspended':
      return 'Suspended to wait for input';
    case 'reported options':
      return "Reported the flow's options (the flow did not run)";
    case 'timed out':
      return 'Lost (worker stopped heartbeating or ran out of time)';
    case 'scheduled':
      return 'Scheduled, waiting for a worker';
    default:
      return a.outcome[0].toUpperCase() + a.outcome.slice(1);
  }
}

/** Tokens and cost of the run's model calls: paid (each live call) and replayed from the journal, by model. */
function UsageView({ usage }: { usage: RunUsage }) {
  const models = [...new Set([...Object.keys(usage.paid.byModel), ...Object.keys(usage.replayed.byModel)])].sort();
  const cells = (t: UsageTotals | undefined) =>
    t ? `${t.calls} calls · ${t.inputTokens} in / ${t.outputTokens} out tokens · $${t.cost}` : '—';
  return (
    <table id="run-usage" aria-label="Model usage">
      <ColumnHeads names={['Model usage', 'Paid', 'Replayed from the journal']} />
      <tbody>
        <tr>
          <th>All models</th>
          <td data-usage="paid">{cells(usage.paid)}</td>
          <td data-usage="replayed">{cells(usage.replayed)}</td>
        </tr>
        {models.map((m) => (
          <tr>
            <th>
              <code>{m}</code>
            </th>
            <td>{cells(usage.paid.byModel[m])}</td>
            <td>{cells(usage.replayed.byModel[m])}</td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}
