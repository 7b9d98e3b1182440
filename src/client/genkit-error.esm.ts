// The ESM build's genkit-error.ts: an ESM app's `GenkitError` is the class of genkit's ESM build, and errors this
// package throws must be instances of it.
export { GenkitError } from 'genkit';
