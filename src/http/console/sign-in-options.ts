// How people sign in to the console: the session settings, and Firebase Auth on the sign-in page (for APIs behind
// `firebaseAuth`). Checked when the API is made, so a typo is a start-up error rather than a page that cannot work.
import type { SessionSettings } from '../auth/session';

/**
 * The Firebase Web SDK version the sign-in page loads from Google's CDN by default (its compat builds,
 * `firebase-app-compat.js` and `firebase-auth-compat.js`): the version the kit is tested with.
 */
export const FIREBASE_WEB_SDK_VERSION = '12.19.0';

/** Firebase Auth on the console's sign-in page. */
export interface FirebaseSignInOptions {
  /**
   * The web app's config from the Firebase console (Project settings → Your apps): `apiKey` and `authDomain` are
   * public values; `projectId` too.
   */
  config: { apiKey: string; authDomain: string; projectId?: string };
  /** Sign-in methods the page offers. @default ['password', 'google'] */
  providers?: Array<'password' | 'google'>;
  /**
   * Where the page loads `firebase-app-compat.js` and `firebase-auth-compat.js` from (a URL ending in `/`).
   * @default `https://www.gstatic.com/firebasejs/${FIREBASE_WEB_SDK_VERSION}/`
   */
  sdkUrl?: string;
  /**
   * The Auth emulator the page signs in against, e.g. `http://127.0.0.1:9099`; its tokens are unsigned, and
   * firebase-admin accepts them only with `FIREBASE_AUTH_EMULATOR_HOST` set. @default from `FIREBASE_AUTH_EMULATOR_HOST`
   */
  emulatorUrl?: string;
}

/**
 * Sign-in for people: a bearer token (or a Firebase ID token from the sign-in page) exchanged once for a session
 * cookie that the console and the API accept. See docs/console.md, "Signing in".
 */
export interface ConsoleSignInOptions extends SessionSettings {
  /** Firebase Auth on the sign-in page (use with `firebaseAuth`). */
  firebase?: FirebaseSignInOptions;
}

/** @internal Firebase sign-in, checked and with its defaults. */
export interface ResolvedFirebaseSignIn {
  config: { apiKey: string; authDomain: string; projectId?: string };
  providers: Array<'password' | 'google'>;
  sdkUrl: string;
  emulatorUrl?: string;
}

/** @internal Checks the Firebase sign-in options; throws a TypeError naming the field to fix. */
export function resolveFirebaseSignIn(
  options: FirebaseSignInOptions,
  env: NodeJS.ProcessEnv = process.env,
): ResolvedFirebaseSignIn {
  const what = 'genkitx-temporal: signIn.firebase';
  const { config } = options;
  if (!config || typeof config.apiKey !== 'string' || !config.apiKey) {
    throw new TypeError(`${what}.config.apiKey is missing: copy the web app's config from the Firebase console`);
  }
  if (typeof config.authDomain !== 'string' || !/^[a-z0-9.-]+$/i.test(config.authDomain)) {
    throw new TypeError(`${what}.config.authDomain must be a host name such as my-project.firebaseapp.com`);
  }
  const providers = options.providers ?? ['password', 'google'];
  if (!providers.length || providers.some((p) => p !== 'password' && p !== 'google')) {
    throw new TypeError(`${what}.providers lists 'password' and/or 'google'`);
  }
  const sdkUrl = options.sdkUrl ?? `https://www.gstatic.com/firebasejs/${FIREBASE_WEB_SDK_VERSION}/`;
  if (!/^https?:\/\/[^/\s]+\/(\S*\/)?$/.test(sdkUrl)) {
    throw new TypeError(`${what}.sdkUrl must be an http(s) URL ending in /, got "${sdkUrl}"`);
  }
  const emulatorHost = env.FIREBASE_AUTH_EMULATOR_HOST?.trim();
  const emulatorUrl = options.emulatorUrl ?? (emulatorHost ? `http://${emulatorHost}` : undefined);
  if (emulatorUrl !== undefined && !/^https?:\/\/[^/\s]+$/.test(emulatorUrl)) {
    throw new TypeError(`${what}.emulatorUrl must be an origin such as http://127.0.0.1:9099, got "${emulatorUrl}"`);
  }
  return {
    config: { apiKey: config.apiKey, authDomain: config.authDomain, projectId: config.projectId },
    providers,
    sdkUrl,
    emulatorUrl,
  };
}

/** @internal The sign-in page's Content-Security-Policy: the console's own, plus what Firebase Auth needs. */
export function signInContentSecurityPolicy(firebase: ResolvedFirebaseSignIn | undefined): string {
  const script = ["'self'"];
  const connect = ["'self'"];
  const frame: string[] = [];
  if (firebase) {
    script.push(new URL(firebase.sdkUrl).origin);
    connect.push('https://identitytoolkit.googleapis.com', 'https://securetoken.googleapis.com');
    if (firebase.emulatorUrl) connect.push(firebase.emulatorUrl);
    // Popup sign-in talks to the auth domain through a hidden iframe.
    frame.push(`https://${firebase.config.authDomain}`);
  }
  return (
    `default-src 'none'; script-src ${script.join(' ')}; style-src 'self'; connect-src ${connect.join(' ')}; ` +
    `img-src 'self' data:; form-action 'self'; base-uri 'none'; frame-ancestors 'none'` +
    (frame.length ? `; frame-src ${frame.join(' ')}` : '')
  );
}
