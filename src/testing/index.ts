// Entry point of `genkitx-temporal/testing`: a scripted Genkit model and a local dev server for your tests.
import { requirePeers } from '../peer-dependencies';

// Before anything else loads: a missing peer is named, with the command that installs it.
requirePeers('genkitx-temporal/testing', ['genkit']);

export { defineScriptedModel, type Script, type ScriptedModel, type ScriptedTurn } from './scripted-model';
export { startDevServer, type DevServerOptions } from './dev-server';
export { withLocalTemporal, type LocalTemporal } from './local-temporal';
