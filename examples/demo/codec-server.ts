// `npm run codec-server`: the codec server on 127.0.0.1 for the local Temporal Web UI and CLI.
//   GENKITX_ENCRYPTION_KEYS=k1:<base64 32 bytes>   the keys (current first), same as the workers'
//   CODEC_SERVER_TOKEN=<secret>                     bearer token callers must send
//   CODEC_SERVER_PORT=8888, CODEC_UI_ORIGIN=http://localhost:8233
// Then: temporal workflow show -w <id> --codec-endpoint http://127.0.0.1:8888 --codec-auth "Bearer $CODEC_SERVER_TOKEN"
// In the Web UI: Settings → Codec Server → http://127.0.0.1:8888 (with "Pass the user access token" off; the UI
// cannot send a static token, so for the UI use a verifyToken hook that accepts your UI's tokens).
import { serve } from '@hono/node-server';
import { createCodecServer } from '../../src/codec';

const token = process.env.CODEC_SERVER_TOKEN;
if (!token) {
  console.error('Set CODEC_SERVER_TOKEN (and GENKITX_ENCRYPTION_KEYS) first.');
  process.exit(2);
}
const port = Number(process.env.CODEC_SERVER_PORT ?? 8888);
const app = createCodecServer({ auth: { token }, uiOrigin: process.env.CODEC_UI_ORIGIN ?? 'http://localhost:8233' });
// Localhost only: the keys never leave this machine.
serve({ fetch: app.fetch, port, hostname: '127.0.0.1' }, (info) => {
  console.log(`Codec server on http://127.0.0.1:${info.port} (POST /encode, POST /decode)`);
});
