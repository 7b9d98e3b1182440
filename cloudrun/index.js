// Cloud Run worker service of the serverless kit: a long-lived process that hosts the Genkit flow registry and
// runs startTemporalWorker. Skeleton: the service entry point, Dockerfile and autoscaler come in a later issue.
const { startTemporalWorker } = require('genkitx-temporal');

module.exports = { startTemporalWorker };
