// The run console link the demo prints: one click opens the run in a browser, signed in. The API's bearer token
// rides in the URL fragment, which browsers never send to a server; the sign-in page's script takes it out of the
// address bar and the history, exchanges it for a session cookie (POST /console/session) and opens the run.

/** The console's page of one run. */
export function consoleRunPath(workflowId: string): string {
  return `/console/runs/${encodeURIComponent(workflowId)}`;
}

/** The one-click link: the sign-in page, told where to go next, with the token in the fragment. */
export function consoleSignInLink(apiUrl: string, token: string, workflowId: string): string {
  return `${apiUrl}/console/sign-in?next=${consoleRunPath(workflowId)}#token=${encodeURIComponent(token)}`;
}
