// Quiet the Temporal worker's logs in tests (failures the tests provoke on purpose are logged as WARN).
import { DefaultLogger, Runtime } from '@temporalio/worker';

try {
  Runtime.install({ logger: new DefaultLogger('ERROR') });
} catch {
  // Already installed in this process.
}
