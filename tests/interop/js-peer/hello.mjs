// /fil/hello/1.0.0: the dialer writes HelloMessage [HeaviestTipSet [CID], Height, Weight BigInt, GenesisHash];
// the receiver answers LatencyMessage [TArrival, TSent] in Unix nanoseconds and closes.
import * as dagCbor from '@ipld/dag-cbor';
import { CID } from 'multiformats/cid';
import { decodeBigInt, encodeBigInt } from './filecoin.mjs';
import { readCborItem, withTimeout, writeAll } from './wire.mjs';

export const HELLO_PROTOCOL = '/fil/hello/1.0.0';

/** 15 head CIDs and a weight make a few hundred bytes; 4 KiB bounds what a peer can make us buffer. */
const MAX_HELLO_BYTES = 4096;
const HELLO_MS = 10_000;

/** Unix time in nanoseconds (millisecond resolution is all the latency message needs). */
function unixNanos () {
  return BigInt(Date.now()) * 1_000_000n;
}

/** The greeting for `chain`'s head with `weight` (a bigint). */
export function helloFor (chain, weight) {
  return [chain.head, chain.headHeight, encodeBigInt(weight), chain.genesis];
}

/**
 * The handler: reads one HelloMessage (without waiting for EOF, as a Venus dialer does not half-close), answers
 * the latency message, and reports the greeting through `onHello`.
 */
export function helloHandler (onHello, log) {
  return async (stream, connection) => {
    try {
      const bytes = await withTimeout(readCborItem(stream, MAX_HELLO_BYTES), HELLO_MS, 'reading hello');
      const arrival = unixNanos();
      const hello = parseHello(dagCbor.decode(bytes));
      await writeAll(stream, dagCbor.encode([arrival, unixNanos()]));
      await stream.close();
      onHello(connection.remotePeer.toString(), hello);
    } catch (err) {
      log(`hello: ${err.message}`);
      stream.abort(err);
    }
  };
}

/** Greets `peerId` and returns the latency message it answered. */
export async function sayHello (node, peerId, message, signal) {
  const stream = await node.dialProtocol(peerId, HELLO_PROTOCOL, { signal });
  await writeAll(stream, dagCbor.encode(message), signal);
  // Lotus's dialer closes its side once it has written; a server may also stop reading after one item.
  await stream.close({ signal });
  const bytes = await withTimeout(readCborItem(stream, MAX_HELLO_BYTES), HELLO_MS, 'reading the latency message');
  const latency = dagCbor.decode(bytes);
  if (!Array.isArray(latency) || latency.length !== 2 || !latency.every(isInt)) {
    throw new Error('malformed LatencyMessage');
  }
  return { tArrival: String(latency[0]), tSent: String(latency[1]) };
}

function parseHello (value) {
  if (!Array.isArray(value) || value.length !== 4 || !Array.isArray(value[0]) ||
      !value[0].every(c => CID.asCID(c) !== null) || !isInt(value[1]) ||
      !(value[2] instanceof Uint8Array) || CID.asCID(value[3]) === null) {
    throw new Error('malformed HelloMessage');
  }
  return {
    heaviestTipSet: value[0].map(String),
    height: Number(value[1]),
    weight: decodeBigInt(value[2]).toString(),
    genesis: String(value[3])
  };
}

function isInt (v) {
  return Number.isInteger(v) || typeof v === 'bigint';
}
