// The run console in a namespace where a deployment skipped registering the library's search attributes
// (docs/deploy.md): the run list answers 503 naming each missing attribute and the command that registers it,
// instead of a 500 with no name; once they are registered, the same list answers.
import { randomUUID } from 'node:crypto';
import { Connection } from '@temporalio/client';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { google, temporal } from '@temporalio/proto';
import { flowRef } from '../../src/client/flow-ref';
import { bearerTokenAuth } from '../../src/http/auth/principal-auth';
import { createRunConsole } from '../../src/http/console/run-console';
import { address } from '../helpers/temporal';

const bare = `bare-${randomUUID().slice(0, 8)}`;
const TOKENS = { 'console-person-0123456789': 'alice', 'console-admin-0123456789': { id: 'ops', admin: true } };
const KEYWORD = temporal.api.enums.v1.IndexedValueType.INDEXED_VALUE_TYPE_KEYWORD;
let connection: Connection;

beforeAll(async () => {
  connection = await Connection.connect({ address: address() });
  // A namespace of its own: the shared one has the attributes registered (KIT_DEV_SERVER_ARGS).
  await connection.workflowService.registerNamespace({
    namespace: bare,
    // fromObject turns a plain number of seconds into the proto's Long.
    workflowExecutionRetentionPeriod: google.protobuf.Duration.fromObject({ seconds: 86_400 }),
  });
});
afterAll(() => connection?.close());

const console_ = () =>
  createRunConsole({
    address: address(),
    namespace: bare,
    flows: [flowRef('tripPlanner')],
    auth: bearerTokenAuth({ tokens: TOKENS }),
  });
const list = (token: string) => console_().request('/console', { headers: { Authorization: `Bearer ${token}` } });

it('a namespace without GenkitFlow / GenkitPrincipal: 503 naming each and how to register it; then it lists', async () => {
  const person = await list('console-person-0123456789');
  expect(person.status).toBe(503);
  const text = await person.text();
  for (const name of ['GenkitFlow', 'GenkitPrincipal']) {
    expect(text).toContain(`--namespace ${bare} --name ${name} --type Keyword`);
  }
  // An admin's list does not filter by principal: only GenkitFlow is named.
  const admin = await list('console-admin-0123456789');
  expect(admin.status).toBe(503);
  const adminText = await admin.text();
  expect(adminText).toContain('--name GenkitFlow');
  expect(adminText).not.toContain('GenkitPrincipal');

  await connection.operatorService.addSearchAttributes({
    namespace: bare,
    searchAttributes: {
      GenkitFlow: KEYWORD,
      GenkitPrincipal: KEYWORD,
    },
  });
  expect((await list('console-person-0123456789')).status).toBe(200);
  expect((await list('console-admin-0123456789')).status).toBe(200);
});
