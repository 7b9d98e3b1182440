/** @jsxRuntime automatic @jsxImportSource hono/jsx */
// The page shell every console page shares: title, stylesheet, script, a skip link and the header.
import type { Child } from 'hono/jsx';

export interface LayoutProps {
  title: string;
  /** Where the console is mounted, e.g. `/console`. */
  base: string;
  children?: Child;
}

/** The HTML document around a console page. */
export function Layout({ title, base, children }: LayoutProps) {
  return (
    <html lang="en">
      <head>
        <meta charset="utf-8" />
        <meta name="viewport" content="width=device-width, initial-scale=1" />
        <title>{`${title} · Genkit run console`}</title>
        <link rel="stylesheet" href={`${base}/assets/console.css`} />
        <script src={`${base}/assets/console.js`} defer />
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
