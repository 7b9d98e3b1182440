// The caller's view of the runGenkitFlow workflow's messages: the same names and types as
// `workflows/messages.ts`, built without `@temporalio/workflow`, so callers never load workflow code.
// test/package/light-entry.test.ts checks that both sides agree.
import { createHash } from 'node:crypto';
import type { QueryDefinition, UpdateDefinition } from '@temporalio/common';
import type { AnswerProvenance, FlowProgress, JournalPage } from '../common/types';
import type { ChunkRead } from '../workflows/journal-state';

export type { ChunkRead };

const query = <R, A extends any[]>(name: string) => ({ type: 'query', name }) as unknown as QueryDefinition<R, A>;
const update = <R, A extends any[]>(name: string) => ({ type: 'update', name }) as unknown as UpdateDefinition<R, A>;

export const provideInputUpdate = update<
  void,
  [name: string, value: unknown, answerKey?: string, answeredBy?: AnswerProvenance]
>('genkit.provideInput');
export const progressQuery = query<FlowProgress, []>('progress');

/**
 * The Update ID of an answer: the same input and key name the same Update, so Temporal applies it once. With
 * `nameless` (payloads encrypted), a hash of both instead: the ID is plaintext in history, the names are not data
 * the codec protects.
 */
export function inputUpdateId(name: string, answerKey: string, nameless = false): string {
  if (nameless) return `answer ${createHash('sha256').update(`${name}\0${answerKey}`).digest('hex')}`;
  return `input ${name.slice(0, 200)} ${answerKey.slice(0, 200)}`;
}
export const chunksQuery = query<ChunkRead, [offset: number]>('genkit.chunks');
export const journalPageQuery = query<JournalPage, [from: number]>('genkit.journalPage');
