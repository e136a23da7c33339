// The chain this peer serves: every block of a CAR v1 (written by the C# ChainFixture) held in memory, headers
// decoded, and the two walks the exchange server needs: parents from a head, and a tipset's messages.
import { readFile } from 'node:fs/promises';
import { CarReader } from '@ipld/car';
import * as dagCbor from '@ipld/dag-cbor';
import { CID } from 'multiformats/cid';
import {
  BLAKE2B_256, HEADER_HEIGHT, HEADER_MESSAGES, HEADER_PARENTS,
  decodeRoundTrip, filecoinCid, isHeader, parseCid
} from './filecoin.mjs';

/** Lotus's BlockMessageLimit: no block holds more messages, so no message AMT is read past it. */
const BLOCK_MESSAGE_LIMIT = 10_000;

// AMT v0 (go-amt-ipld v2): bit width 3, so 8 slots per node.
const AMT_WIDTH = 8;
const AMT_MAX_HEIGHT = 21;

export class Chain {
  /**
   * @param {Map<string, {cid: CID, bytes: Uint8Array, value: any}>} blocks every block, by CID string
   * @param {CID[]} head the served head's block CIDs (the CAR's roots)
   * @param {CID} genesis
   */
  constructor (blocks, head, genesis) {
    this.blocks = blocks;
    this.head = head;
    this.genesis = genesis;
    this.headHeight = this.header(head[0]).height;
  }

  /**
   * Loads a CAR, failing loudly on anything the server could not serve faithfully: a block whose bytes do not
   * hash to its CID, or that @ipld/dag-cbor does not re-encode byte for byte.
   */
  static async load (path, genesisText) {
    const reader = await CarReader.fromBytes(await readFile(path));
    const blocks = new Map();
    for await (const { cid, bytes } of reader.blocks()) {
      if (cid.code !== dagCbor.code) {
        continue;
      }
      if (cid.multihash.code === BLAKE2B_256 && !filecoinCid(bytes).equals(cid)) {
        throw new Error(`CAR block ${cid} does not hash to its CID`);
      }
      blocks.set(cid.toString(), { cid, bytes, value: decodeRoundTrip(bytes, `CAR block ${cid}`) });
    }
    const head = await reader.getRoots();
    if (head.length === 0) {
      throw new Error('the CAR has no roots (the head tipset)');
    }
    const chain = new Chain(blocks, head, genesisText ? parseCid(genesisText) : null);
    chain.genesis ??= chain.lowestHeader();
    return chain;
  }

  /** The decoded header, or null when the block is missing or is not a header. */
  tryHeader (cid) {
    const block = this.blocks.get(cid.toString());
    if (block === undefined || !isHeader(block.value)) {
      return null;
    }
    const value = block.value;
    return {
      cid: block.cid,
      bytes: block.bytes,
      value,
      height: Number(value[HEADER_HEIGHT]),
      parents: value[HEADER_PARENTS],
      messages: value[HEADER_MESSAGES]
    };
  }

  header (cid) {
    const header = this.tryHeader(cid);
    if (header === null) {
      throw new Error(`header ${cid} is not in the chain`);
    }
    return header;
  }

  lowestHeader () {
    let lowest = null;
    for (const { cid } of this.blocks.values()) {
      const header = this.tryHeader(cid);
      if (header !== null && (lowest === null || header.height < lowest.height)) {
        lowest = header;
      }
    }
    if (lowest === null) {
      throw new Error('the CAR holds no block header');
    }
    return lowest.cid;
  }

  /** The tipset of key `cids` (in key order), or null when a block is missing or not a header. */
  tipSet (cids) {
    const headers = cids.map(cid => this.tryHeader(cid));
    return headers.every(h => h !== null) ? headers : null;
  }

  /**
   * A tipset's messages as the exchange's CompactedMessages [Bls, BlsIncludes, Secpk, SecpkIncludes]: each
   * message once, in order of first inclusion (blocks in tipset order, messages in block order), each block's
   * list as indexes, as Lotus's server gathers them. Null when a block it needs is missing.
   */
  compactedMessages (headers) {
    const bls = new Distinct();
    const secpk = new Distinct();
    const blsIncludes = [];
    const secpkIncludes = [];
    for (const header of headers) {
      const meta = this.blocks.get(header.messages.toString());
      if (meta === undefined) {
        return null;
      }
      const [blsRoot, secpkRoot] = meta.value;
      const blsCids = this.amtValues(blsRoot);
      const secpkCids = this.amtValues(secpkRoot);
      if (blsCids === null || secpkCids === null) {
        return null;
      }
      const blsIndexes = bls.include(blsCids, this.blocks);
      const secpkIndexes = secpk.include(secpkCids, this.blocks);
      if (blsIndexes === null || secpkIndexes === null) {
        return null;
      }
      blsIncludes.push(blsIndexes);
      secpkIncludes.push(secpkIndexes);
    }
    return [bls.values, blsIncludes, secpk.values, secpkIncludes];
  }

  /** The values of an AMT v0 [Height, Count, Node] in index order (message CIDs here), or null if a node is missing. */
  amtValues (rootCid) {
    const root = this.blocks.get(rootCid.toString());
    if (root === undefined) {
      return null;
    }
    const [height, count, node] = root.value;
    if (!Number.isInteger(height) || height > AMT_MAX_HEIGHT || count > BLOCK_MESSAGE_LIMIT) {
      throw new Error(`AMT ${rootCid}: height ${height}, count ${count}`);
    }
    const values = [];
    if (!this.collectAmt(node, height, values)) {
      return null;
    }
    if (values.length !== count) {
      throw new Error(`AMT ${rootCid} says ${count} values, holds ${values.length}`);
    }
    return values;
  }

  collectAmt (node, height, values) {
    const [bitmap, links, items] = node;
    let link = 0;
    let item = 0;
    for (let slot = 0; slot < AMT_WIDTH; slot++) {
      if (((bitmap[slot >> 3] ?? 0) >> (slot & 7) & 1) === 0) {
        continue;
      }
      if (height === 0) {
        values.push(items[item++]);
        if (values.length > BLOCK_MESSAGE_LIMIT) {
          throw new Error('AMT holds more values than a block may');
        }
        continue;
      }
      const child = this.blocks.get(String(links[link++]));
      if (child === undefined || !this.collectAmt(child.value, height - 1, values)) {
        return false;
      }
    }
    return true;
  }

  /**
   * The tipsets from `head` back (head first), at most `length`, stopping at genesis or at the first tipset not
   * held. Null when the head itself is not held.
   */
  walk (head, length) {
    const tipsets = [];
    let key = head;
    while (tipsets.length < length) {
      const headers = this.tipSet(key);
      if (headers === null) {
        break;
      }
      tipsets.push(headers);
      if (headers[0].height === 0) {
        break;
      }
      key = headers[0].parents;
    }
    return tipsets.length === 0 ? null : tipsets;
  }
}

/** Distinct messages of one kind in a tipset, by CID, in order of first inclusion. */
class Distinct {
  values = [];
  #index = new Map();

  include (cids, blocks) {
    const indexes = [];
    for (const cid of cids) {
      const key = String(CID.asCID(cid) ?? cid);
      let at = this.#index.get(key);
      if (at === undefined) {
        const block = blocks.get(key);
        if (block === undefined) {
          return null;
        }
        at = this.values.length;
        this.values.push(block.value);
        this.#index.set(key, at);
      }
      indexes.push(at);
    }
    return indexes;
  }
}
