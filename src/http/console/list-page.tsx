/** @jsxRuntime automatic @jsxImportSource hono/jsx */
// GET /console: the runs of the exposed flows, from Temporal visibility, one page at a time.
import { formatTime, statusLabel } from './format';
import { ColumnHeads, Layout, StatusBadge } from './layout';
import type { RunListPage } from './runs-data';

export interface ListPageProps {
  base: string;
  page: RunListPage;
  flowNames: string[];
  /** The flow the list is filtered to, if any. */
  flow?: string;
  pageSize: number;
}

/** The run list: flow, status, start, flow attempt; running runs first. */
export function ListPage({ base, page, flowNames, flow, pageSize }: ListPageProps) {
  const nextHref = page.next
    ? `${base}?${new URLSearchParams({ ...(flow ? { flow } : {}), limit: String(pageSize), page: page.next })}`
    : undefined;
  return (
    <Layout title="Runs" base={base}>
      <main id="content">
        <h1>Runs</h1>
        <form method="get" action={base}>
          <label for="flow-filter">Flow</label>
          <select id="flow-filter" name="flow">
            <option value="">All flows</option>
            {flowNames.map((name) => (
              <option value={name} selected={name === flow}>
                {name}
              </option>
            ))}
          </select>
          <div class="actions">
            <button type="submit" class="respond">
              Show
            </button>
          </div>
        </form>
        {page.rows.length ? (
          <table>
            <caption>Running runs first (newest first), then ended runs, most recently ended first.</caption>
            <ColumnHeads names={['Run', 'Flow', 'Status', 'Started', 'Flow attempt']} />
            <tbody>
              {page.rows.map((row) => (
                <tr>
                  <td>
                    <a href={`${base}/runs/${encodeURIComponent(row.workflowId)}`}>{row.workflowId}</a>
                  </td>
                  <td>{row.flowName ?? '—'}</td>
                  <td>
                    <StatusBadge status={row.status} label={statusLabel(row.status)} />
                  </td>
                  <td>
                    <time datetime={row.startedAt ? new Date(row.startedAt).toISOString() : undefined}>
                      {formatTime(row.startedAt)}
                    </time>
                  </td>
                  <td>{row.attempt ?? '—'}</td>
                </tr>
              ))}
            </tbody>
          </table>
        ) : (
          <p>No runs yet{flow ? ` of ${flow}` : ''}.</p>
        )}
        {nextHref ? (
          <p>
            <a href={nextHref}>Older runs</a>
          </p>
        ) : null}
      </main>
    </Layout>
  );
}
