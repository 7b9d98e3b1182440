// The worker process of bench/cpu-per-run.ts: the library's worker (queue `ours`) and the hand-written worker
// (queue `hand`) on one NativeConnection, so their CPU is read from outside (/proc) apart from the client's.
// Prints "ready <pid>" once both poll; SIGTERM stops both and exits 0. Args: address bundlePath
import { NativeConnection } from '@temporalio/worker';
import { startTemporalWorker } from '../src';
import { startHandwrittenWorker } from './handwritten';
import '../test/harness/worker-flows';

const [address, bundlePath] = process.argv.slice(2);

async function main() {
  const connection = await NativeConnection.connect({ address });
  const ours = await startTemporalWorker({
    address,
    taskQueue: 'cpu-ours',
    connection,
    workflowBundle: { codePath: bundlePath },
    handleSignals: false,
  });
  const hand = await startHandwrittenWorker(connection, 'cpu-hand');
  process.once('SIGTERM', () => {
    void Promise.all([ours.shutdown(), hand.stop()]).then(async () => {
      await connection.close();
      process.exit(0);
    });
  });
  process.stdout.write(`ready ${process.pid}\n`);
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
