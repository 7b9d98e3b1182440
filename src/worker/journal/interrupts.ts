// Genkit tool interrupts inside a durable run: when a generate call ends `interrupted` (a tool threw
// ToolInterruptError, `toolApproval` refused a tool, or a `defineInterrupt` tool ran), each interrupt becomes
// a pending input; the answer is mapped to Genkit's `resume: { restart | respond }` and the same generate goes on.
import {
  GenkitError,
  restartTool,
  respondTool,
  z,
  type Genkit,
  type GenerateResponse,
  type ToolRequestPart,
} from 'genkit';
import { currentDurableRun } from './durable-run';
import { waitForInput } from './wait-for-input';

/** The answer to an interrupt: run the tool after all, answer in its place, or refuse. */
export const InterruptAnswerSchema = z.union([
  z.object({
    action: z.literal('approve'),
    /** Extra metadata for the restarted tool (`toolApproved: true` is always set). */
    metadata: z.record(z.any()).optional(),
    /** Replaces the tool's input. */
    input: z.any().optional(),
  }),
  z.object({ action: z.literal('respond'), output: z.any() }),
  z.object({ action: z.literal('deny'), reason: z.string().optional() }),
]);
export type InterruptAnswer = z.infer<typeof InterruptAnswerSchema>;

/** The pending-input name of an interrupt of `toolName`. */
export function interruptInputName(toolName: string): string {
  return `interrupt:${toolName}`;
}

/** A tool call was denied by whoever answered its interrupt. Non-retryable; catch it to handle the denial. */
export class ToolDeniedError extends GenkitError {
  override readonly name = 'ToolDeniedError';
  constructor(
    readonly tool: string,
    readonly reason?: string,
  ) {
    super({
      status: 'PERMISSION_DENIED',
      message: `tool "${tool}" was denied${reason ? `: ${reason}` : ''}`,
      detail: { tool, reason },
    });
  }
}

type Continue = (
  messages: GenerateResponse['messages'],
  resume: { restart: ToolRequestPart[]; respond: ReturnType<typeof respondTool>[] },
) => Promise<GenerateResponse>;

/** Waits for an answer to every interrupt of `response`, then continues the generate with them. */
async function resolveInterrupts(response: GenerateResponse, continueWith: Continue): Promise<GenerateResponse> {
  if (response.finishReason !== 'interrupted' || !currentDurableRun()) return response;
  const restart: ToolRequestPart[] = [];
  const respond: ReturnType<typeof respondTool>[] = [];
  for (const interrupt of response.interrupts) {
    const tool = interrupt.toolRequest.name;
    const answer = (await waitForInput(interruptInputName(tool), {
      schema: InterruptAnswerSchema,
      description: `tool "${tool}" needs an answer: approve, respond or deny`,
      interrupt,
    })) as InterruptAnswer;
    if (answer.action === 'deny') throw new ToolDeniedError(tool, answer.reason);
    if (answer.action === 'respond') respond.push(respondTool(interrupt, answer.output));
    else
      restart.push(restartTool(interrupt, { ...answer.metadata, toolApproved: true }, { replaceInput: answer.input }));
  }
  return continueWith(response.messages, { restart, respond });
}

type GenerateArg = Parameters<Genkit['generate']>[0];

function asOptions(arg: unknown): Record<string, unknown> {
  return typeof arg === 'string' || Array.isArray(arg) ? { prompt: arg } : { ...(arg as Record<string, unknown>) };
}

/** Wraps `ai.generate`, `ai.generateStream`'s final response and prompts so interrupts suspend the run. */
export function resolveInterruptsOn(ai: Genkit): void {
  const generate = ai.generate.bind(ai) as (arg: unknown) => Promise<GenerateResponse>;
  const resumeGenerate =
    (base: Record<string, unknown>): Continue =>
    (messages, resume) =>
      (ai.generate as (arg: unknown) => Promise<GenerateResponse>)({
        ...base,
        prompt: undefined,
        system: undefined,
        messages,
        resume,
      });

  (ai as { generate: unknown }).generate = async (arg: GenerateArg) =>
    resolveInterrupts(await generate(arg), resumeGenerate(asOptions(arg)));

  const generateStream = ai.generateStream.bind(ai) as (arg: unknown) => {
    stream: unknown;
    response: Promise<GenerateResponse>;
  };
  // The stream ends at the interrupt; the continuation's chunks reach an `onChunk`, not this stream.
  (ai as { generateStream: unknown }).generateStream = (arg: GenerateArg) => {
    const result = generateStream(arg);
    return { ...result, response: result.response.then((r) => resolveInterrupts(r, resumeGenerate(asOptions(arg)))) };
  };

  const definePrompt = ai.definePrompt.bind(ai) as unknown as (...args: unknown[]) => PromptFn;
  (ai as { definePrompt: unknown }).definePrompt = (...args: unknown[]) =>
    resumablePrompt(definePrompt(...args), resumeGenerate);
  const prompt = ai.prompt.bind(ai) as unknown as (...args: unknown[]) => PromptFn;
  (ai as { prompt: unknown }).prompt = (...args: unknown[]) => resumablePrompt(prompt(...args), resumeGenerate);
}

type PromptFn = ((input?: unknown, opts?: unknown) => Promise<GenerateResponse>) & {
  render(input?: unknown, opts?: unknown): Promise<Record<string, unknown>>;
};

function resumablePrompt(prompt: PromptFn, resumeGenerate: (base: Record<string, unknown>) => Continue): PromptFn {
  const call = async (input?: unknown, opts?: unknown) => {
    const response = await prompt(input, opts);
    if (response.finishReason !== 'interrupted') return response;
    return resolveInterrupts(response, async (messages, resume) =>
      resumeGenerate(await prompt.render(input, opts))(messages, resume),
    );
  };
  return Object.assign(call, prompt);
}
