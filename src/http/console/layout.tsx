/** @jsxRuntime automatic @jsxImportSource hono/jsx */
// The page shell every console page shares: title, stylesheet, script, a skip link and the header (with a sign-out
// button for a person signed in with a console session).
import { createContext, useContext, type Child } from 'hono/jsx';

export interface LayoutProps {
  title: string;
  /** Where the console is mounted, e.g. `/console`. */
  base: string;
  /** Scripts the page loads, in order (deferred). @default the console script */
  scripts?: string[];
  children?: Child;
}

/** Who is signed in with a console session, for the header's sign-out button; `undefined` otherwise. */
export const SessionAccount = createContext<{ id: string } | undefined>(undefined);

/** The HTML document around a console page. */
export function Layout({ title, base, scripts, children }: LayoutProps) {
  const account = useContext(SessionAccount);
  return (
    <html lang="en">
      <head>
        <meta charset="utf-8" />
        <meta name="viewport" content="width=device-width, initial-scale=1" />
        <title>{`${title} · Genkit run console`}</title>
        <link rel="stylesheet" href={`${base}/assets/console.css`} />
        {(scripts ?? [`${base}/assets/console.js`]).map((src) => (
          <script src={src} defer />
        ))}
      </head>
      <body>
        <a class="skip" href="#content">
          Skip to content
        </a>
        <header>
          <p>
            <a href={base}>Genkit run console</a>
          </p>
          <p class="muted">durable Genkit flows on Temporal</p>
          {account ? (
            <form class="account" method="post" action={`${base}/sign-out`}>
              <span class="muted">
                Signed in as <strong>{account.id}</strong>
              </span>{' '}
              <button type="submit" class="respond">
                Sign out
              </button>
            </form>
          ) : null}
        </header>
        {children}
      </body>
    </html>
  );
}

/** A run status in words, in a badge whose colour repeats them. */
export function StatusBadge({ status, label }: { status: string; label: string }) {
  return <span class={`status status-${status.toLowerCase()}`}>{label}</span>;
}

/** A table's header row: one column heading per name. */
export function ColumnHeads({ names }: { names: string[] }) {
  return (
    <thead>
      <tr>
        {names.map((name) => (
          <th scope="col">{name}</th>
        ))}
      </tr>
    </thead>
  );
}
