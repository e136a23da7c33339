// The JSON-line commands the harness sends on stdin. Each returns the fields of its `ok` reply or throws; the
// caller turns a throw into `{"ok":false,"error":…}`.
import { multiaddr } from '@multiformats/multiaddr';
import { peerIdFromString } from '@libp2p/peer-id';
import { echo, roundTrips } from './echo.mjs';
import { Options, requestChain } from './exchange.mjs';
import { helloFor, sayHello } from './hello.mjs';
import { push } from './sink.mjs';

/** Guard on every command that the command itself does not bound more tightly. */
export const DEFAULT_COMMAND_MS = 60_000;
const IDENTIFY_MS = 10_000;

export function createCommands ({ node, chain, weight, identities, pubsub }) {
  const needChain = () => {
    if (chain === null) {
      throw new Error('this peer serves no chain (start it with --car)');
    }
    return chain;
  };

  return {
    async dial ({ addr }, signal) {
      const connection = await node.dial(multiaddr(addr), { signal });
      return { peer: connection.remotePeer.toString() };
    },

    async identify ({ peer }) {
      return await identities.wait(peer, IDENTIFY_MS);
    },

    async ping ({ peer }, signal) {
      return { rttMs: await node.services.ping.ping(peerIdFromString(peer), { signal }) };
    },

    async echo ({ peer, bytes, seed = 0 }, signal) {
      return await echo(node, peerIdFromString(peer), bytes, seed, signal);
    },

    async streams ({ peer, count, bytes }, signal) {
      const peerId = peerIdFromString(peer);
      const results = await Promise.all(Array.from({ length: count }, (_, i) => echo(node, peerId, bytes, i + 1, signal)));
      const allMatched = results.every(r => r.sent === bytes && r.received === bytes && r.sha256Sent === r.sha256Received);
      return { allMatched, count: results.length };
    },

    // The benchmark console's throughput run, timed here: `mib` MiB into the peer's /venus-bench/sink/1.0.0.
    async push ({ peer, mib }, signal) {
      return await push(node, peerIdFromString(peer), mib, signal);
    },

    // The benchmark console's small request round trip, timed here: `count` sequential echoes of `bytes` each.
    async roundTrips ({ peer, count, bytes }, signal) {
      return await roundTrips(node, peerIdFromString(peer), count, bytes, signal);
    },

    // The benchmark console's CPU accounting: user plus system time of this process so far (process.cpuUsage).
    async cpu () {
      const { user, system } = process.cpuUsage();
      return { cpuMs: (user + system) / 1000 };
    },

    async hello ({ peer }, signal) {
      return await sayHello(node, peerIdFromString(peer), helloFor(needChain(), weight), signal);
    },

    async syncHeaders ({ peer, head, length }, signal) {
      return await requestChain(node, peerIdFromString(peer), head, length, Options.Headers, signal);
    },

    // Not in the brief's list, but the same request with messages: lets a test check CompactedMessages too.
    async syncMessages ({ peer, head, length }, signal) {
      return await requestChain(node, peerIdFromString(peer), head, length, Options.Headers | Options.Messages, signal);
    },

    async info () {
      return {
        peerId: node.peerId.toString(),
        addrs: node.getMultiaddrs().map(String),
        head: chain?.head.map(String) ?? null,
        genesis: chain?.genesis.toString() ?? null,
        pubsub
      };
    }
  };
}
