// Loaded by path (the worker, the workflow bundle and the client each load it): moves failure messages and stack
// traces into an encoded payload, so the payload codec encrypts them like any other data.
// Workflow sandbox code imports this file too: keep it free of Node built-ins.
import { DefaultFailureConverter } from '@temporalio/common';

/**
 * Found in the text of every workflow bundle built with this converter: a worker tells by it whether a prebuilt
 * bundle encrypts workflow failures (src/worker/bundle-failure-converter.ts).
 */
export const ENCRYPTED_FAILURE_CONVERTER_MARK = 'genkitx-temporal:encrypted-failure-converter';

export const failureConverter = new DefaultFailureConverter({ encodeCommonAttributes: true });
