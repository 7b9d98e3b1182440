// The scripted research model: plays the agent's turns through Genkit's own model interface, offline. It has
// a bad afternoon once per demo: the first notes turn answers 429 with Retry-After, the first draft 503.
import type { Genkit, GenerateRequest } from 'genkit';
import { defineScriptedModel, type ScriptedTurn } from '../../src/testing';
import { firstTime, note } from '../../test/harness/ledger';

/** The turn a request is for: each of the agent's prompts starts with its tag; `<stage>` or `<stage>:<part>`. */
type Turn = 'plan' | 'research:search' | 'research:notes' | 'draft';

export function defineResearchModel(ai: Genkit) {
  return defineScriptedModel(ai, {
    name: 'demo/researcher',
    script: (request) => {
      const turn = turnOf(request);
      const fault = faultFor(turn);
      note('model', turn, fault ? { fault: fault.fault } : {});
      return fault ?? answer(turn, request);
    },
  });
}

function turnOf(request: GenerateRequest): Turn {
  const text = promptText(request);
  if (text.startsWith('[plan]')) return 'plan';
  if (text.startsWith('[draft]')) return 'draft';
  const askedTools = request.messages.some((m) => m.content.some((p) => p.toolResponse));
  return askedTools ? 'research:notes' : 'research:search';
}

function faultFor(turn: Turn): (ScriptedTurn & { fault: string }) | undefined {
  if (turn === 'research:notes' && firstTime('429')) {
    const error = { status: 'RESOURCE_EXHAUSTED' as const, message: 'quota exceeded (scripted)', retryAfterMs: 1000 };
    return { error, fault: '429' };
  }
  if (turn === 'draft' && firstTime('503')) {
    return { error: { status: 'UNAVAILABLE', message: 'model overloaded (scripted)' }, fault: '503' };
  }
  return undefined;
}

function answer(turn: Turn, request: GenerateRequest): ScriptedTurn {
  const topic = /"([^"]+)"/.exec(promptText(request))?.[1] ?? 'the topic';
  switch (turn) {
    case 'plan':
      return { text: `${topic} failure modes in production\n${topic} adoption case studies` };
    case 'research:search': {
      const queries = /queries: (.*)$/m.exec(promptText(request))?.[1].split('; ') ?? [topic];
      return { toolRequests: queries.map((query) => ({ name: 'searchWeb', input: { query } })) };
    }
    case 'research:notes': {
      const results = request.messages.flatMap((m) => m.content).filter((p) => p.toolResponse);
      return { text: results.map((p) => `- ${String(p.toolResponse!.output)}`).join('\n') };
    }
    case 'draft':
      return {
        text:
          `# ${topic}: what survives a crash\n\n` +
          `Teams that run ${topic} in production report that retries are cheap only when finished work is ` +
          'remembered. A journal of completed steps turns a crash into a pause.',
        chunks: ['# ', topic, ': what survives a crash'],
      };
  }
}

function promptText(request: GenerateRequest): string {
  const first = request.messages.find((m) => m.role === 'user');
  return (first?.content ?? []).map((p) => p.text ?? '').join('');
}
