// /fil/chain/xchg/0.0.1: one request per stream. The client writes Request [Head [CID], Length, Options] and
// closes its write side; the server answers one Response [Status, ErrorMessage, Chain [BSTipSet]] and closes.
import * as dagCbor from '@ipld/dag-cbor';
import { CID } from 'multiformats/cid';
import { HEADER_HEIGHT, HEADER_PARENTS, decodeRoundTrip, filecoinCid, sameCidSet } from './filecoin.mjs';
import { cborHead, cborItemEnd, readCborItem, readToEnd, withTimeout, writeAll } from './wire.mjs';

export const EXCHANGE_PROTOCOL = '/fil/chain/xchg/0.0.1';

export const Status = Object.freeze({ Ok: 0, Partial: 101, NotFound: 201, GoAway: 202, InternalError: 203, BadRequest: 204 });
export const Options = Object.freeze({ Headers: 1, Messages: 2 });

/** Lotus's MaxRequestLength (chain finality). */
export const MAX_REQUEST_LENGTH = 900;

/** A tipset has at most 15 blocks, so a request is a few hundred bytes; 4 KiB leaves room and bounds the read. */
const MAX_REQUEST_BYTES = 4096;

/** Lotus's client limit on a response. */
const MAX_RESPONSE_BYTES = 120 * 1024 * 1024;

// Lotus's server figures: read the request within 10 s, write the response within 60 s.
const READ_REQUEST_MS = 10_000;
const RESPONSE_MS = 60_000;

/** The stream handler serving `chain` (null: serve nothing, every head is unknown). */
export function exchangeHandler (chain, log) {
  return async (stream) => {
    try {
      const request = await withTimeout(readCborItem(stream, MAX_REQUEST_BYTES), READ_REQUEST_MS, 'reading the exchange request');
      const response = answer(chain, request);
      await withTimeout(writeAll(stream, dagCbor.encode(response)), RESPONSE_MS, 'writing the exchange response');
      await stream.close();
    } catch (err) {
      log(`xchg: ${err.message}`);
      stream.abort(err);
    }
  };
}

/** The Response value for the raw request bytes, as Lotus's server decides it (chain/exchange/server.go). */
function answer (chain, requestBytes) {
  let request;
  try {
    request = dagCbor.decode(requestBytes);
  } catch (err) {
    return [Status.BadRequest, `malformed request: ${err.message}`, []];
  }
  if (!Array.isArray(request) || request.length !== 3 || !Array.isArray(request[0]) ||
      !request[0].every(c => CID.asCID(c) !== null) || !Number.isInteger(request[1]) || !Number.isInteger(request[2])) {
    return [Status.BadRequest, 'malformed request', []];
  }
  const [head, length, options] = request;
  if (head.length === 0) {
    return [Status.BadRequest, 'no cids in request', []];
  }
  if (length === 0) {
    return [Status.BadRequest, 'invalid request length of zero', []];
  }
  if (length > MAX_REQUEST_LENGTH) {
    return [Status.BadRequest, `request length over maximum allowed (${MAX_REQUEST_LENGTH})`, []];
  }
  if ((options & (Options.Headers | Options.Messages)) === 0) {
    return [Status.BadRequest, 'no include options set', []];
  }
  const tipsets = chain?.walk(head, length) ?? null;
  if (tipsets === null) {
    // As Lotus and Venus answer a head they cannot load.
    return [Status.InternalError, 'failed loading tipset', []];
  }
  const bundles = [];
  for (const headers of tipsets) {
    let messages = null;
    if (options & Options.Messages) {
      messages = chain.compactedMessages(headers);
      if (messages === null) {
        if (bundles.length === 0) {
          return [Status.InternalError, 'gather messages failed', []];
        }
        break;
      }
    }
    bundles.push([options & Options.Headers ? headers.map(h => h.value) : [], messages]);
  }
  // Fewer than asked is Partial, even at genesis: a Lotus client refuses Ok with fewer tipsets than asked.
  return [bundles.length === length ? Status.Ok : Status.Partial, '', bundles];
}

/**
 * Asks `peer` for `length` tipsets from `head` and checks the answer: every header's CID is blake2b-256 over its
 * exact bytes in the response and those bytes round-trip through @ipld/dag-cbor; the first tipset is the head;
 * each tipset's blocks agree on height and parents; each tipset is the previous one's parents, lower down.
 * A status other than Ok or Partial is returned as is, with no chain.
 */
export async function requestChain (node, peerId, head, length, options, signal) {
  const stream = await node.dialProtocol(peerId, EXCHANGE_PROTOCOL, { signal });
  const headCids = head.map(c => CID.parse(c));
  await writeAll(stream, dagCbor.encode([headCids, length, options]), signal);
  await stream.close({ signal });
  const bytes = await readToEnd(stream, MAX_RESPONSE_BYTES);
  const [status, errorMessage, chain] = dagCbor.decode(bytes);
  if (status !== Status.Ok && status !== Status.Partial) {
    return { status, errorMessage, count: 0, heights: [], tipsets: [] };
  }
  const tipsets = headerSlices(bytes).map((slices, i) => slices.map((slice, b) => {
    const value = decodeRoundTrip(slice, `tipset ${i} block ${b}`);
    return { cid: filecoinCid(slice), height: Number(value[HEADER_HEIGHT]), parents: value[HEADER_PARENTS] };
  }));
  checkChain(tipsets, headCids, length, status, options);
  return {
    status,
    errorMessage,
    count: chain.length,
    heights: tipsets.map(t => t[0]?.height ?? null),
    tipsets: tipsets.map(t => t.map(h => h.cid.toString())),
    messages: chain.map(([, messages]) => messages === null
      ? null
      : { bls: messages[0].length, secpk: messages[2].length, blsIncludes: messages[1], secpkIncludes: messages[3] })
  };
}

function checkChain (tipsets, head, length, status, options) {
  if (tipsets.length === 0 || tipsets.length > length) {
    throw new Error(`status ${status} with ${tipsets.length} tipsets for a request of ${length}`);
  }
  if (status === Status.Ok && tipsets.length !== length) {
    throw new Error(`status Ok with ${tipsets.length} tipsets for a request of ${length}`);
  }
  if (!(options & Options.Headers)) {
    return;
  }
  if (!sameCidSet(head, tipsets[0].map(h => h.cid))) {
    throw new Error('the first tipset is not the requested head');
  }
  for (let i = 0; i < tipsets.length; i++) {
    const [first, ...rest] = tipsets[i];
    if (first === undefined) {
      throw new Error(`tipset ${i} has no blocks`);
    }
    if (rest.some(h => h.height !== first.height || !sameCidSet(h.parents, first.parents))) {
      throw new Error(`the blocks of tipset ${i} disagree on height or parents`);
    }
    const next = tipsets[i + 1];
    if (next !== undefined && (!sameCidSet(first.parents, next.map(h => h.cid)) || next[0].height >= first.height)) {
      throw new Error(`tipset ${i + 1} is not the parent of tipset ${i}`);
    }
  }
}

/** The exact bytes of every header in a Response, per tipset: the CIDs must be over what the peer sent. */
function headerSlices (bytes) {
  const root = expectArray(bytes, 0, 3, 'Response');
  let at = skip(bytes, skip(bytes, root.next));
  const chain = expectArray(bytes, at, null, 'Response.Chain');
  at = chain.next;
  const tipsets = [];
  for (let i = 0; i < chain.value; i++) {
    const bundle = expectArray(bytes, at, 2, 'BSTipSet');
    const blocks = expectArray(bytes, bundle.next, null, 'BSTipSet.Blocks');
    at = blocks.next;
    const slices = [];
    for (let b = 0; b < blocks.value; b++) {
      const end = skip(bytes, at);
      slices.push(bytes.subarray(at, end));
      at = end;
    }
    tipsets.push(slices);
    at = skip(bytes, at);
  }
  return tipsets;
}

function expectArray (bytes, at, length, what) {
  const head = cborHead(bytes, at);
  if (head === null || head.major !== 4 || (length !== null && head.value !== length)) {
    throw new Error(`${what} is not an array${length === null ? '' : ` of ${length}`}`);
  }
  return head;
}

function skip (bytes, at) {
  const end = cborItemEnd(bytes, at);
  if (end < 0) {
    throw new Error('truncated response');
  }
  return end;
}
