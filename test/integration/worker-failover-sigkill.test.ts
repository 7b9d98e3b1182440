// SIGKILL after step 3: a second worker finishes the run, every completed step ran exactly once (no wall-clock
// bound: this file runs beside the others). See worker-failover.ts.
import { failoverTests } from '../helpers/worker-failover-suite';

failoverTests('SIGKILL');
