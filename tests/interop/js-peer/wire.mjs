// Byte-level I/O on libp2p streams: whole CBOR items (Filecoin's hello and exchange streams carry one bare
// DAG-CBOR item each way, with no length prefix), reads to EOF, and writes that honour backpressure.
// Every read is capped, because the bytes come from a peer under test, and every read goes through `incoming`.

const WRITE_CHUNK = 64 * 1024;

// DAG-CBOR nests only as deep as our types do; a deeper item is refused rather than recursed into.
const MAX_DEPTH = 64;

/** Writes `bytes` in chunks, waiting for the stream to drain whenever it asks to. */
export async function writeAll (stream, bytes, signal) {
  for (let at = 0; at < bytes.length; at += WRITE_CHUNK) {
    if (!stream.send(bytes.subarray(at, Math.min(at + WRITE_CHUNK, bytes.length)))) {
      await stream.onDrain({ signal });
    }
  }
}

/**
 * The stream's chunks until the remote closes its write side, as `for await (const chunk of stream)` yields them,
 * except that a FIN which came before the handler ran is not missed. js-libp2p 3.3's own iterator ends only on a
 * 'remoteCloseWrite' or 'close' event. A dialer that sends its protocol proposal, its data and FIN at once
 * (multistream-select's lazy mode, which the .NET host uses once identify lists the protocol, as go-libp2p does)
 * gets its FIN handled while multistream-select still holds the data: the event fires before the handler's iterator
 * listens, and that iterator then waits forever. So the end is also read from the stream's state.
 */
export async function * incoming (stream) {
  const queue = [];
  let failure = null;
  let wake = null;
  const notify = () => {
    wake?.();
    wake = null;
  };
  const onMessage = (evt) => {
    queue.push(evt.data);
    notify();
  };
  const onClose = (evt) => {
    failure = evt.error ?? null;
    notify();
  };
  stream.addEventListener('message', onMessage);
  stream.addEventListener('remoteCloseWrite', notify);
  stream.addEventListener('close', onClose);
  try {
    while (true) {
      if (queue.length > 0) {
        yield queue.shift();
        continue;
      }
      if (failure !== null) {
        throw failure;
      }
      // Adding the message listener above has the stream deliver what it holds (later, from the event loop): the
      // remote's end counts only once nothing is left in the stream's buffer.
      const drained = stream.readBufferLength === 0;
      if (stream.readStatus === 'closed' || (drained && stream.remoteWriteStatus === 'closed')) {
        return;
      }
      await new Promise((resolve) => { wake = resolve; });
    }
  } finally {
    stream.removeEventListener('message', onMessage);
    stream.removeEventListener('remoteCloseWrite', notify);
    stream.removeEventListener('close', onClose);
  }
}

/** Reads until the remote closes its write side; fails past `maxBytes`. */
export async function readToEnd (stream, maxBytes) {
  const chunks = [];
  let total = 0;
  for await (const chunk of incoming(stream)) {
    const bytes = chunk.subarray();
    total += bytes.length;
    if (total > maxBytes) {
      stream.abort(new Error(`more than ${maxBytes} bytes`));
      throw new Error(`peer sent more than ${maxBytes} bytes`);
    }
    chunks.push(bytes);
  }
  return concat(chunks, total);
}

/**
 * Reads exactly one CBOR item, without waiting for EOF (a Venus dialer does not half-close its hello stream).
 * Bytes after the item are a protocol error.
 */
export async function readCborItem (stream, maxBytes) {
  const chunks = [];
  let total = 0;
  for await (const chunk of incoming(stream)) {
    const bytes = chunk.subarray();
    total += bytes.length;
    if (total > maxBytes) {
      stream.abort(new Error(`more than ${maxBytes} bytes`));
      throw new Error(`peer sent more than ${maxBytes} bytes`);
    }
    chunks.push(bytes);
    const buffer = concat(chunks, total);
    const end = cborItemEnd(buffer, 0);
    if (end === total) {
      return buffer;
    }
    if (end > 0) {
      throw new Error(`${total - end} bytes follow the CBOR item`);
    }
    chunks.length = 0;
    chunks.push(buffer);
  }
  throw new Error(total === 0 ? 'stream ended before any CBOR item' : `stream ended inside a CBOR item (${total} bytes)`);
}

/**
 * The offset just past the CBOR item starting at `offset`, or -1 when `buffer` ends before the item does.
 * Throws on what DAG-CBOR forbids (indefinite lengths, reserved additional info).
 */
export function cborItemEnd (buffer, offset, depth = 0) {
  if (depth > MAX_DEPTH) {
    throw new Error('CBOR nested too deeply');
  }
  const head = cborHead(buffer, offset);
  if (head === null) {
    return -1;
  }
  switch (head.major) {
    case 0: case 1: case 7:
      return head.next;
    case 2: case 3: {
      const end = head.next + head.value;
      return end <= buffer.length ? end : -1;
    }
    case 4: case 5: {
      const items = head.major === 4 ? head.value : head.value * 2;
      let at = head.next;
      for (let i = 0; i < items; i++) {
        at = cborItemEnd(buffer, at, depth + 1);
        if (at < 0) {
          return -1;
        }
      }
      return at;
    }
    case 6:
      return cborItemEnd(buffer, head.next, depth + 1);
  }
  throw new Error('unreachable CBOR major type');
}

/**
 * The head of the CBOR item at `offset`: major type, argument (a length, count or integer; as a Number, so
 * integers above 2^53 lose precision, which only lengths and counts read here never reach) and where its
 * content starts. `null` when the buffer ends inside the head.
 */
export function cborHead (buffer, offset) {
  if (offset >= buffer.length) {
    return null;
  }
  const initial = buffer[offset];
  const major = initial >> 5;
  const info = initial & 0x1f;
  if (info < 24) {
    return { major, value: info, next: offset + 1 };
  }
  if (info > 27) {
    throw new Error(`CBOR additional info ${info} (indefinite or reserved) at ${offset}`);
  }
  const size = 1 << (info - 24);
  if (offset + 1 + size > buffer.length) {
    return null;
  }
  let value = 0n;
  for (let i = 0; i < size; i++) {
    value = (value << 8n) | BigInt(buffer[offset + 1 + i]);
  }
  if ((major === 2 || major === 3 || major === 4 || major === 5) && value > BigInt(Number.MAX_SAFE_INTEGER)) {
    throw new Error(`CBOR length ${value} at ${offset}`);
  }
  return { major, value: Number(value), next: offset + 1 + size };
}

export function concat (chunks, total) {
  if (chunks.length === 1) {
    return chunks[0];
  }
  const out = new Uint8Array(total);
  let at = 0;
  for (const chunk of chunks) {
    out.set(chunk, at);
    at += chunk.length;
  }
  return out;
}

export function bytesEqual (a, b) {
  if (a.length !== b.length) {
    return false;
  }
  for (let i = 0; i < a.length; i++) {
    if (a[i] !== b[i]) {
      return false;
    }
  }
  return true;
}

/** Rejects after `ms` with a message naming `what`, so a hung peer fails a command instead of hanging it. */
export function withTimeout (promise, ms, what) {
  let timer;
  const timeout = new Promise((_resolve, reject) => {
    timer = setTimeout(() => reject(new Error(`${what} timed out after ${ms} ms`)), ms);
  });
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
}
