// /venus-interop/echo/1.0.0: a test-only protocol. The server writes back everything it reads until EOF, then
// closes; the client checks that what came back hashes like what it sent.
import { createHash } from 'node:crypto';
import { performance } from 'node:perf_hooks';
import { incoming, readToEnd, writeAll } from './wire.mjs';

export const ECHO_PROTOCOL = '/venus-interop/echo/1.0.0';

/** Far above any echo a test asks for; bounds what one stream can make the client buffer. */
const MAX_ECHO_BYTES = 256 * 1024 * 1024;

export function echoHandler (log) {
  return async (stream) => {
    try {
      for await (const chunk of incoming(stream)) {
        if (!stream.send(chunk)) {
          await stream.onDrain();
        }
      }
      await stream.close();
    } catch (err) {
      log(`echo: ${err.message}`);
      stream.abort(err);
    }
  };
}

/**
 * `length` pseudo-random bytes from `seed`: xorshift32 (13, 17, 5) from state `seed` (0 becomes 0x9e3779b9),
 * each step's state written little-endian. Simple enough to reproduce on the .NET side.
 */
export function pseudoRandomBytes (length, seed) {
  const out = new Uint8Array(length);
  let x = (seed >>> 0) || 0x9e3779b9;
  for (let at = 0; at < length; at += 4) {
    x ^= x << 13; x >>>= 0;
    x ^= x >>> 17;
    x ^= x << 5; x >>>= 0;
    for (let i = 0; i < 4 && at + i < length; i++) {
      out[at + i] = (x >>> (8 * i)) & 0xff;
    }
  }
  return out;
}

export function sha256Hex (bytes) {
  return createHash('sha256').update(bytes).digest('hex');
}

/** Sends `length` bytes from `seed` on a new echo stream, half-closes, and reads the echo to EOF. */
export async function echo (node, peerId, length, seed, signal) {
  const stream = await node.dialProtocol(peerId, ECHO_PROTOCOL, { signal });
  const data = pseudoRandomBytes(length, seed);
  // Read while writing: a peer that echoes as it reads would otherwise stall on a full window.
  const received = readToEnd(stream, MAX_ECHO_BYTES);
  // Observed below; this only keeps a read failure during the write from counting as unhandled.
  received.catch(() => {});
  await writeAll(stream, data, signal);
  await stream.close({ signal });
  const back = await received;
  return { sent: data.length, received: back.length, sha256Sent: sha256Hex(data), sha256Received: sha256Hex(back) };
}

/**
 * `count` echoes of `length` zero bytes, one after another, each on a new stream (open, write, half-close, read to
 * EOF): the small request round trip of the benchmark console. Returns the milliseconds for all of them, by
 * performance.now().
 */
export async function roundTrips (node, peerId, count, length, signal) {
  const request = new Uint8Array(length);
  const started = performance.now();
  for (let i = 0; i < count; i++) {
    const stream = await node.dialProtocol(peerId, ECHO_PROTOCOL, { signal });
    // The signal bounds the wait for the echo too.
    const abort = () => stream.abort(signal.reason);
    signal.addEventListener('abort', abort, { once: true });
    try {
      const received = readToEnd(stream, length);
      // Observed below; this only keeps a read failure during the write from counting as unhandled.
      received.catch(() => {});
      stream.send(request);
      await stream.close({ signal });
      const back = await received;
      if (back.length !== length) {
        throw new Error(`echo returned ${back.length} bytes, not ${length}`);
      }
    } finally {
      signal.removeEventListener('abort', abort);
    }
  }
  return { count, elapsedMs: performance.now() - started };
}
