import { describe, expect, it } from 'vitest';
import { removeGenkitSignalHandlers } from '../../src';

const genkitListeners = (signal: 'SIGTERM' | 'SIGINT') =>
  process.listeners(signal).filter((l) => Function.prototype.toString.call(l).includes('ReflectionServer'));

describe('removeGenkitSignalHandlers', () => {
  it("removes Genkit's exit-on-signal handlers and leaves other handlers alone", async () => {
    await import('genkit');
    const mine = () => undefined;
    process.on('SIGTERM', mine);
    expect(genkitListeners('SIGTERM').length).toBeGreaterThan(0);
    expect(genkitListeners('SIGINT').length).toBeGreaterThan(0);
    expect(removeGenkitSignalHandlers()).toBeGreaterThanOrEqual(2);
    expect(genkitListeners('SIGTERM')).toHaveLength(0);
    expect(genkitListeners('SIGINT')).toHaveLength(0);
    expect(process.listeners('SIGTERM')).toContain(mine);
    process.off('SIGTERM', mine);
  });
});
