// Entry point of `genkitx-temporal/workflows`: workflow code only. Point a worker's `workflowsPath` here, or
// re-export `runGenkitFlow` from your own workflows file. Never import the package root from workflow code:
// it loads Genkit and Node built-ins, which Temporal's sandbox rejects.
export { runGenkitFlow } from './run-genkit-flow';
// Every message definition (signals, queries, updates), for callers that talk to a run directly.
export * from './messages';
