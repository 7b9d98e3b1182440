// A TCP proxy in front of the Temporal server that counts the gRPC calls going through it: each call is one new
// HTTP/2 stream, opened by a HEADERS frame from the client. Counts what a process (the API service) asks of
// Temporal without touching its code.
import { connect, createServer, type Socket } from 'node:net';

const PREFACE_BYTES = 24; // "PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n"
const FRAME_HEADER_BYTES = 9;
const HEADERS_FRAME = 0x1;

export interface GrpcCallCounter {
  /** `host:port` to give the process instead of the server's address. */
  address: string;
  /** gRPC calls made through the proxy so far. */
  calls(): number;
  close(): Promise<void>;
}

/** Listens on loopback and forwards every connection to `target` (`host:port`), counting calls. */
export async function grpcCallCounter(target: string): Promise<GrpcCallCounter> {
  const [host, port] = splitAddress(target);
  let calls = 0;
  const sockets = new Set<Socket>();
  const server = createServer((client) => {
    const upstream = connect(port, host);
    sockets.add(client).add(upstream);
    let pending = Buffer.alloc(0);
    let prefaceLeft = PREFACE_BYTES;
    let lastStreamId = 0;
    client.on('data', (data: Buffer) => {
      upstream.write(data);
      pending = Buffer.concat([pending, data]);
      if (prefaceLeft) {
        const skip = Math.min(prefaceLeft, pending.length);
        pending = pending.subarray(skip);
        prefaceLeft -= skip;
      }
      while (pending.length >= FRAME_HEADER_BYTES) {
        const length = pending.readUIntBE(0, 3);
        if (pending.length < FRAME_HEADER_BYTES + length) break;
        const type = pending[3];
        const streamId = pending.readUInt32BE(5) & 0x7fffffff;
        // A client's calls use ever-growing odd stream IDs; a second HEADERS frame of a stream is not a new call.
        if (type === HEADERS_FRAME && streamId > lastStreamId) {
          lastStreamId = streamId;
          calls++;
        }
        pending = pending.subarray(FRAME_HEADER_BYTES + length);
      }
    });
    upstream.on('data', (data) => client.write(data));
    const end = () => {
      client.destroy();
      upstream.destroy();
      sockets.delete(client);
      sockets.delete(upstream);
    };
    client.on('close', end).on('error', end);
    upstream.on('close', end).on('error', end);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port: own } = server.address() as { port: number };
  return {
    address: `127.0.0.1:${own}`,
    calls: () => calls,
    close: () =>
      new Promise<void>((resolve) => {
        for (const socket of sockets) socket.destroy();
        server.close(() => resolve());
      }),
  };
}

function splitAddress(address: string): [string, number] {
  const at = address.lastIndexOf(':');
  return [address.slice(0, at), Number(address.slice(at + 1))];
}
