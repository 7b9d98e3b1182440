// A stand-in for IAP's signing keys: ES256 key pairs made here, their public halves served as a JWK set on loopback
// (as Google serves IAP's at gstatic), and assertions signed the way IAP signs them.
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { sign } from 'hono/utils/jwt/jwt';
import { IAP_ISSUER } from '../../src/http';

export interface IapTestKey {
  kid: string;
  privateJwk: JsonWebKey & { kid: string; alg: 'ES256' };
  publicJwk: JsonWebKey & { kid: string; alg: 'ES256' };
}

/** A new ES256 (P-256) key pair named `kid`. */
export async function makeIapKey(kid: string): Promise<IapTestKey> {
  const pair = await crypto.subtle.generateKey({ name: 'ECDSA', namedCurve: 'P-256' }, true, ['sign', 'verify']);
  const privateJwk = { ...(await crypto.subtle.exportKey('jwk', pair.privateKey)), kid, alg: 'ES256' as const };
  const publicJwk = { ...(await crypto.subtle.exportKey('jwk', pair.publicKey)), kid, alg: 'ES256' as const };
  return { kid, privateJwk, publicJwk };
}

/** Serves `{ keys }` of what `published()` returns; counts fetches; answers `status()`. */
export async function serveKeySet(
  published: () => IapTestKey[],
  status: () => number = () => 200,
): Promise<{ url: string; fetches: () => number; close: () => Promise<void> }> {
  let fetches = 0;
  const server: Server = createServer((_req, res) => {
    fetches++;
    res.writeHead(status(), { 'content-type': 'application/json' });
    res.end(JSON.stringify({ keys: published().map((k) => k.publicJwk) }));
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/public_key-jwk`,
    fetches: () => fetches,
    close: () => new Promise<void>((r) => server.close(() => r())),
  };
}

/** An IAP assertion for `audience`, signed with `key`; `over` replaces claims. */
export function iapAssertion(key: IapTestKey, audience: string, over: Record<string, unknown> = {}): Promise<string> {
  const now = Math.floor(Date.now() / 1000);
  return sign(
    {
      iss: IAP_ISSUER,
      aud: audience,
      sub: 'accounts.google.com:1234567890',
      email: 'ana@example.com',
      hd: 'example.com',
      iat: now - 5,
      exp: now + 600,
      ...over,
    },
    key.privateJwk,
  );
}
