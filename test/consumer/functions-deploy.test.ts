// This repository's functions/ as `firebase deploy` ships it (functions-upload.ts): uploaded alone, installed with
// `npm ci --omit=dev` from its own package.json and lock, loaded, and its deploy manifest read. The scaffolded
// functions/ get the same checks in scaffold.test.ts.
import { resolve } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { expectDeployable } from './functions-checks';
import { deployShapedFunctions, type DeployShaped } from './functions-upload';
import { packedTarball } from './harness';

let deployed: DeployShaped;

beforeAll(async () => {
  deployed = await deployShapedFunctions(resolve(__dirname, '../../functions'), await packedTarball(), 'repo');
  console.log(`[functions-deploy] repo functions/: ${deployed.installMb} MB, ${JSON.stringify(deployed.timings)} ms`);
}, 900_000);

describe("this repository's functions/, uploaded alone as firebase deploy does", () => {
  expectDeployable(() => deployed);
});
