// The ledger file that worker processes append every real execution to (`<entry> <pid>` a line), read back.
import { existsSync, readFileSync } from 'node:fs';

export interface LedgerEntry {
  step: string;
  pid: number;
}

/** Every real execution so far, in order (an entry may contain spaces: the pid is the last word). */
export function readLedger(file: string): LedgerEntry[] {
  if (!existsSync(file)) return [];
  return readFileSync(file, 'utf8')
    .split('\n')
    .filter(Boolean)
    .map((line) => {
      const space = line.lastIndexOf(' ');
      return { step: line.slice(0, space), pid: Number(line.slice(space + 1)) };
    });
}
