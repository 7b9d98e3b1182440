// Entry point of `genkitx-temporal/testing`: a scripted Genkit model and a local dev server for your tests.
export { defineScriptedModel, type Script, type ScriptedModel, type ScriptedTurn } from './scripted-model';
export { startDevServer, type DevServerOptions } from './dev-server';
export { withLocalTemporal, type LocalTemporal } from './local-temporal';
