// The demo talks to the front-door API the way a client app would: JSON over HTTP with a bearer token, and the
// run's browser SSE stream (`GET /runs/:id/events`) for live progress.

export interface RunView {
  workflowId: string;
  status: string;
  result?: unknown;
  error?: { status: string; message: string };
  progress?: {
    attempt: number;
    failovers: number;
    stepsCompleted: number;
    lastError?: { status: string; message: string };
  };
  pendingInputs: Array<{ name: string; description?: string; schema?: unknown }>;
}

export class ApiClient {
  constructor(
    readonly baseUrl: string,
    private readonly token: string,
  ) {}

  async request<T>(method: string, path: string, body?: unknown, headers: Record<string, string> = {}): Promise<T> {
    const response = await fetch(`${this.baseUrl}${path}`, {
      method,
      headers: { authorization: `Bearer ${this.token}`, 'content-type': 'application/json', ...headers },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    const text = await response.text();
    if (!response.ok) throw new Error(`${method} ${path}: HTTP ${response.status} ${text}`);
    return (text ? JSON.parse(text) : undefined) as T;
  }

  startRun(flow: string, data: unknown, idempotencyKey: string) {
    return this.request<{ workflowId: string }>(
      'POST',
      `/flows/${flow}`,
      { data },
      { 'idempotency-key': idempotencyKey },
    );
  }

  getRun(workflowId: string) {
    return this.request<RunView>('GET', `/runs/${encodeURIComponent(workflowId)}`);
  }

  answer(workflowId: string, input: string, data: unknown, idempotencyKey: string) {
    const path = `/runs/${encodeURIComponent(workflowId)}/inputs/${encodeURIComponent(input)}`;
    return this.request('POST', path, { data }, { 'idempotency-key': idempotencyKey });
  }

  /**
   * Reads the run's SSE stream: `onChunk` for each chunk, resolves with the result (rejects with the error event).
   * Re-attaches from the last offset (`Last-Event-ID`) if the connection drops.
   */
  async followEvents(workflowId: string, onChunk: (chunk: unknown) => void, signal: AbortSignal): Promise<unknown> {
    let lastId = '0';
    for (let reconnects = 0; ; reconnects++) {
      const response = await fetch(`${this.baseUrl}/runs/${encodeURIComponent(workflowId)}/events`, {
        headers: { authorization: `Bearer ${this.token}`, accept: 'text/event-stream', 'last-event-id': lastId },
        signal,
      });
      if (!response.ok || !response.body) throw new Error(`events: HTTP ${response.status}`);
      const decoder = new TextDecoder();
      let buffer = '';
      try {
        const reader = response.body.getReader();
        for (;;) {
          const { done, value } = await reader.read();
          if (done) break;
          buffer += decoder.decode(value, { stream: true });
          let end: number;
          while ((end = buffer.indexOf('\n\n')) >= 0) {
            const frame = parseFrame(buffer.slice(0, end));
            buffer = buffer.slice(end + 2);
            if (frame.id) lastId = frame.id;
            if (frame.event === 'chunk') onChunk(JSON.parse(frame.data));
            else if (frame.event === 'result') return JSON.parse(frame.data);
            else if (frame.event === 'error') throw new RunFailed(JSON.parse(frame.data));
          }
        }
      } catch (err) {
        if (err instanceof RunFailed || signal.aborted || reconnects >= 20) throw err;
      }
      await new Promise((r) => setTimeout(r, 250));
    }
  }
}

export class RunFailed extends Error {
  constructor(readonly body: { status: string; message: string }) {
    super(`${body.status}: ${body.message}`);
  }
}

function parseFrame(frame: string): { event?: string; id?: string; data: string } {
  const out: { event?: string; id?: string; data: string } = { data: '' };
  for (const line of frame.split(/\r?\n/)) {
    if (line.startsWith(':')) continue; // heartbeat comment
    const colon = line.indexOf(':');
    const field = colon < 0 ? line : line.slice(0, colon);
    const value = colon < 0 ? '' : line.slice(colon + 1).replace(/^ /, '');
    if (field === 'event') out.event = value;
    else if (field === 'id') out.id = value;
    else if (field === 'data') out.data += (out.data ? '\n' : '') + value;
  }
  return out;
}
