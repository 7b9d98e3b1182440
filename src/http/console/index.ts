// The run console: pages for people over the same runs the flow API serves to programs.
export { createRunConsole, type RunConsoleOptions } from './run-console';
