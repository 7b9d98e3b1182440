// Firebase Functions package of the serverless kit: thin callables that start Genkit flows on Temporal with
// startFlowWorkflow and return workflow IDs. Skeleton: the callables are built in a later issue.
const { startFlowWorkflow, getTemporalClient } = require('genkitx-temporal');

module.exports = { startFlowWorkflow, getTemporalClient };
