/** The OpenTofu release built when no Terraform is installed. */
export declare const OPENTOFU_VERSION: string;
/** Environment for terraform/tofu calls: no update checks, no prompts, no dangling CLI config pointer. */
export declare function quietEnv(extra?: Record<string, string>): NodeJS.ProcessEnv;
/** Path of a working terraform (or tofu) binary, or undefined; never installs. */
export declare function resolveTerraform(): string | undefined;
/** Builds the pinned OpenTofu into .tools/ from the Go module proxy; undefined when that is impossible. */
export declare function installTerraform(log?: (line: string) => void): string | undefined;
