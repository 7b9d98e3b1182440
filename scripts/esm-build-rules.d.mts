/** The package entry points with an ESM build (`src/<entry>.ts` → `dist/esm/<entry>.mjs`). */
export declare const esmEntryPoints: string[];
/** Problems in one output file of the ESM build, each with the source module it came from. */
export declare function esmBuildProblems(code: string): { source: string; match: string; problem: string }[];
