// Cloud Run job entry: `node node_modules/genkitx-temporal/dist/autoscale/main.js` runs one decision and exits.
import { runAutoscalerOnce } from './entry';

void runAutoscalerOnce().then((code) => {
  process.exitCode = code;
});
