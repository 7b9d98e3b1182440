// SIGTERM mid-flow: the worker exits 0 and the next attempt starts on the other worker within 2 s (a wall-clock
// bound: this file runs alone). See worker-failover.ts.
import { failoverTests } from '../helpers/worker-failover-suite';

failoverTests('SIGTERM');
