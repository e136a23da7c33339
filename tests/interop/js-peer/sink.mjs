// /venus-bench/sink/1.0.0: the throughput protocol of the benchmark console (benchmarks/Venus.ChainSync.Benchmarks,
// Libp2pConsole). The server reads everything and drops it, then answers one byte and closes; the pusher times from
// opening the stream to that byte, so the figure covers delivery to the far end, not just handing bytes to the muxer.
import { performance } from 'node:perf_hooks';
import { incoming } from './wire.mjs';

export const SINK_PROTOCOL = '/venus-bench/sink/1.0.0';

/** The pusher's write size, as the .NET console's. */
const PUSH_CHUNK = 64 * 1024;

/** The answer is one byte; anything longer is a broken sink, not a slower one. */
const MAX_ANSWER_BYTES = 16;

export function sinkHandler (log) {
  return async (stream) => {
    try {
      // Each chunk is dropped as it comes: nothing is kept, so no cap is needed.
      for await (const _chunk of incoming(stream)) {
        // Dropped.
      }
      stream.send(Uint8Array.of(1));
      await stream.close();
    } catch (err) {
      log(`sink: ${err.message}`);
      stream.abort(err);
    }
  };
}

/**
 * Opens a sink stream to `peerId`, writes `mib` MiB in 64 KiB writes (one zeroed buffer, sent again and again),
 * half-closes and waits for the one-byte answer. Returns the bytes sent and the milliseconds from opening the stream
 * to the answer, by performance.now().
 */
export async function push (node, peerId, mib, signal) {
  const total = mib * 1024 * 1024;
  const chunk = new Uint8Array(PUSH_CHUNK);
  const started = performance.now();
  const stream = await node.dialProtocol(peerId, SINK_PROTOCOL, { signal });
  // The signal bounds the whole push, the wait for the answer included.
  const abort = () => stream.abort(signal.reason);
  signal.addEventListener('abort', abort, { once: true });
  try {
    // Listening before writing: the answer is taken whenever it comes, and a reset during the write ends it here.
    const answer = readAnswer(stream);
    // Observed below; this only keeps a read failure during the write from counting as unhandled.
    answer.catch(() => {});
    for (let sent = 0; sent < total; sent += PUSH_CHUNK) {
      if (!stream.send(sent + PUSH_CHUNK <= total ? chunk : chunk.subarray(0, total - sent))) {
        await stream.onDrain({ signal });
      }
    }
    await stream.close({ signal });
    const answered = await answer;
    const elapsedMs = performance.now() - started;
    if (answered !== 1) {
      throw new Error(`the sink answered ${answered} bytes, not 1`);
    }
    return { bytes: total, elapsedMs };
  } finally {
    signal.removeEventListener('abort', abort);
  }
}

async function readAnswer (stream) {
  let length = 0;
  for await (const chunk of incoming(stream)) {
    length += chunk.byteLength;
    if (length > MAX_ANSWER_BYTES) {
      stream.abort(new Error(`more than ${MAX_ANSWER_BYTES} bytes of answer`));
      break;
    }
  }
  return length;
}
