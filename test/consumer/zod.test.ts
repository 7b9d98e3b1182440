// flowRef as the README shows it (`import { z } from 'zod'`) in projects that installed zod themselves: `npm i zod`
// (zod 4) and `npm i zod@3`, each as an ESM and a CommonJS project with the packed package. `tsc --noEmit` must pass
// and infer the flow's types; bad input through createFlowApi (configured by the environment only) must be a 400 that
// starts no run, which the Temporal client checks.
import { randomUUID } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { getTemporalClient } from '../../src/client/connection';
import { consumerProject, type ConsumerProject, type Flavour } from './harness';

const majors = [3, 4] as const;
const projects = new Map<string, ConsumerProject>();
const key = (zod: number, flavour: Flavour) => `${zod}-${flavour}`;
beforeAll(async () => {
  for (const zod of majors) {
    for (const flavour of ['esm', 'cjs'] as const)
      projects.set(key(zod, flavour), await consumerProject(flavour, { zod }));
  }
}, 900_000);

const temporal = () =>
  getTemporalClient({ address: inject('temporalAddress'), namespace: inject('temporalNamespace') });
const started: string[] = [];
afterAll(async () => {
  const client = await temporal();
  await Promise.all(
    started.map((id) =>
      client.workflow
        .getHandle(id)
        .terminate('test over')
        .catch(() => undefined),
    ),
  );
});

const tsconfig = (file: string) =>
  JSON.stringify({
    files: [file],
    compilerOptions: {
      target: 'ES2022',
      module: 'NodeNext',
      moduleResolution: 'NodeNext',
      strict: true,
      noEmit: true,
      skipLibCheck: true,
    },
  });

/** A user's file: every `@ts-expect-error` must meet an error, which only happens when the types are inferred. */
const USER_TYPES = `import { z } from 'zod';
import { executeFlowWorkflow, flowRef, startFlowWorkflow, type FlowInput, type FlowOutput } from 'genkitx-temporal/client';
import { createFlowApi, flowWebhook, standardWebhooks } from 'genkitx-temporal/http';

export const jokeFlow = flowRef('jokeFlow', {
  inputSchema: z.object({ topic: z.string(), words: z.number().int().optional() }),
  outputSchema: z.object({ joke: z.string() }),
  streamSchema: z.string(),
});
export const input: FlowInput<typeof jokeFlow> = { topic: 'cats' };
// @ts-expect-error topic must be a string: the input type is inferred, not any
export const wrongInput: FlowInput<typeof jokeFlow> = { topic: 1 };
export const joke: FlowOutput<typeof jokeFlow>['joke'] = 'ha';
// @ts-expect-error no such field: the output type is inferred, not any
export const missing: FlowOutput<typeof jokeFlow>['nope'] = 1;
export async function call(): Promise<string> {
  const out = await executeFlowWorkflow(jokeFlow, { topic: 'cats' });
  // @ts-expect-error a wrong input is refused at compile time
  await startFlowWorkflow(jokeFlow, { topic: 2 });
  return out.joke;
}
export const api = () => createFlowApi({ flows: [jokeFlow] });
export const hook = () => flowWebhook(jokeFlow, { verify: standardWebhooks('whsec_' + 'x'.repeat(32)) });
`;

/** The user's API, configured by the environment only: one bad start, one good start, both through HTTP. */
const USER_API = `import { z } from 'zod';
import { closeTemporalClients, flowRef } from 'genkitx-temporal/client';
import { createFlowApi } from 'genkitx-temporal/http';

async function main() {
  const name = process.env.FLOW_NAME!;
  const ref = flowRef(name, { inputSchema: z.object({ topic: z.string(), words: z.number().int().min(1).optional() }) });
  const app = createFlowApi({ flows: [ref] });
  const post = (data: unknown) =>
    app.request('/flows/' + name, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ data }) });
  const out: Record<string, unknown> = {};
  for (const [label, data] of [['wrongType', { topic: 1 }], ['missing', {}], ['tooFew', { topic: 'x', words: 0 }], ['good', { topic: 'cats' }]] as const) {
    const res = await post(data);
    out[label] = { status: res.status, body: await res.json() };
  }
  console.log(JSON.stringify(out));
  await closeTemporalClients();
}
main().catch((e) => { console.error(e); process.exit(1); });
`;

for (const zod of majors) {
  describe(`a project with zod ${zod} of its own`, () => {
    for (const flavour of ['esm', 'cjs'] as const) {
      const ext = flavour === 'esm' ? 'mts' : 'ts';

      it(`${flavour}: tsc --noEmit passes on flowRef with import { z } from 'zod', and infers the types`, async () => {
        const project = projects.get(key(zod, flavour))!;
        const installed = JSON.parse(readFileSync(join(project.dir, 'node_modules/zod/package.json'), 'utf8'));
        expect(installed.version).toMatch(new RegExp(`^${zod}\\.`));
        project.write({ [`user-types.${ext}`]: USER_TYPES, 'tsconfig.json': tsconfig(`user-types.${ext}`) });
        const tsc = await project.run('node_modules/typescript/bin/tsc', {
          args: ['-p', 'tsconfig.json'],
        });
        expect(tsc.stdout + tsc.stderr).toBe('');
        expect(tsc.code).toBe(0);
      }, 120_000);

      it(`${flavour}: bad input through createFlowApi is a 400 with the field errors, and starts no run`, async () => {
        const project = projects.get(key(zod, flavour))!;
        const flowName = `zod${zod}-${flavour}-${randomUUID().slice(0, 8)}`;
        project.write({ [`user-api.${ext}`]: USER_API });
        const r = await project.run(`user-api.${ext}`, {
          env: {
            TEMPORAL_ADDRESS: inject('temporalAddress'),
            TEMPORAL_NAMESPACE: inject('temporalNamespace'),
            TEMPORAL_TASK_QUEUE: `no-worker-${flowName}`,
            FLOW_NAME: flowName,
          },
        });
        expect(r.code, r.stderr).toBe(0);
        const out = JSON.parse(r.stdout.trim().split('\n').pop()!);
        expect(out.wrongType).toEqual({
          status: 400,
          body: {
            status: 'INVALID_ARGUMENT',
            message: 'Schema validation failed: topic: must be string',
            details: { errors: [{ path: 'topic', message: 'must be string' }] },
          },
        });
        expect(out.missing.status).toBe(400);
        expect(out.missing.body.details.errors).toEqual([
          { path: '(root)', message: "must have required property 'topic'" },
        ]);
        expect(out.tooFew.status).toBe(400);
        expect(out.tooFew.body.details.errors).toEqual([{ path: 'words', message: 'must be >= 1' }]);
        expect(out.good.status).toBe(202);
        started.push(out.good.body.workflowId);
        // The good start is visible, and it is the only run of the flow: the three bad ones started nothing.
        const client = await temporal();
        const count = async () => (await client.workflow.count(`GenkitFlow="${flowName}"`)).count;
        const deadline = Date.now() + 20_000;
        while ((await count()) < 1 && Date.now() < deadline) await new Promise((w) => setTimeout(w, 250));
        await new Promise((w) => setTimeout(w, 1_500));
        expect(await count()).toBe(1);
        const runs = [];
        for await (const run of client.workflow.list({ query: `GenkitFlow="${flowName}"` })) runs.push(run.workflowId);
        expect(runs).toEqual([out.good.body.workflowId]);
      }, 120_000);
    }
  });
}
