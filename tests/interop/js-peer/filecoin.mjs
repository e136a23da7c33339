// Filecoin encoding facts shared by the chain, hello and exchange modules (see /work/shared/PROTOCOL.md).
import * as dagCbor from '@ipld/dag-cbor';
import { blake2b } from '@noble/hashes/blake2.js';
import { CID } from 'multiformats/cid';
import * as Digest from 'multiformats/hashes/digest';
import { bytesEqual } from './wire.mjs';

/** Multihash code of blake2b-256, the hash of every Filecoin chain object. */
export const BLAKE2B_256 = 0xb220;

// BlockHeader field positions (tuple encoding, declaration order).
export const HEADER_FIELDS = 16;
export const HEADER_TICKET = 1;
export const HEADER_PARENTS = 5;
export const HEADER_HEIGHT = 7;
export const HEADER_MESSAGES = 10;

/** The CID Filecoin gives a chain object: CIDv1, dag-cbor, blake2b-256 over exactly these bytes. */
export function filecoinCid (bytes) {
  return CID.createV1(dagCbor.code, Digest.create(BLAKE2B_256, blake2b(bytes, { dkLen: 32 })));
}

/**
 * Decodes DAG-CBOR and insists that re-encoding gives the same bytes: everything this peer serves or checks is
 * re-encoded from decoded values, so a value that does not round-trip would change identity on the wire.
 */
export function decodeRoundTrip (bytes, what) {
  const value = dagCbor.decode(bytes);
  if (!bytesEqual(dagCbor.encode(value), bytes)) {
    throw new Error(`${what} does not round-trip through @ipld/dag-cbor`);
  }
  return value;
}

/** A Filecoin BigInt as CBOR bytes: empty for zero, else a sign byte (0 positive, 1 negative) and the big-endian magnitude. */
export function encodeBigInt (value) {
  if (value === 0n) {
    return new Uint8Array(0);
  }
  let magnitude = value < 0n ? -value : value;
  const digits = [];
  while (magnitude > 0n) {
    digits.unshift(Number(magnitude & 0xffn));
    magnitude >>= 8n;
  }
  return Uint8Array.from([value < 0n ? 1 : 0, ...digits]);
}

export function decodeBigInt (bytes) {
  if (bytes.length === 0) {
    return 0n;
  }
  let magnitude = 0n;
  for (let i = 1; i < bytes.length; i++) {
    magnitude = (magnitude << 8n) | BigInt(bytes[i]);
  }
  if (bytes[0] > 1) {
    throw new Error(`BigInt sign byte ${bytes[0]}`);
  }
  return bytes[0] === 1 ? -magnitude : magnitude;
}

/** Whether a decoded value has the shape of a BlockHeader (the CAR also holds messages, AMT nodes and TxMeta). */
export function isHeader (value) {
  return Array.isArray(value) &&
    value.length === HEADER_FIELDS &&
    Array.isArray(value[HEADER_PARENTS]) &&
    value[HEADER_PARENTS].every(c => CID.asCID(c) !== null) &&
    (typeof value[HEADER_HEIGHT] === 'number' || typeof value[HEADER_HEIGHT] === 'bigint') &&
    CID.asCID(value[HEADER_MESSAGES]) !== null;
}

/** Order-insensitive comparison of CID lists, as Lotus's CidArrsEqual compares tipset keys and parents. */
export function sameCidSet (a, b) {
  if (a.length !== b.length) {
    return false;
  }
  const wanted = new Set(a.map(String));
  return b.every(c => wanted.has(String(c)));
}

export function parseCid (text) {
  return CID.parse(text);
}
