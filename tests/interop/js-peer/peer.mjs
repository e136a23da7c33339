#!/usr/bin/env node
// A js-libp2p peer for the Venus.ChainSync interop tests: TCP, Noise, Yamux, identify and ping, plus Filecoin
// hello and chain exchange served from a CAR, and with --pubsub gossipsub (as Lotus configures it) or floodsub.
// Protocol on stdio:
//   stdout: one {"event":"ready",…} line, then replies {"id":N,"ok":true,…} / {"id":N,"ok":false,"error":…} and
//           event lines {"event":…}; nothing else (logs go to stderr).
//   stdin:  one JSON command per line, {"id":N,"cmd":"…",…}; commands run concurrently. EOF or "stop" exits 0.
import './node20.mjs';
import { setMaxListeners } from 'node:events';
import { parseArgs } from 'node:util';
import { createInterface } from 'node:readline';
import { createLibp2p } from 'libp2p';
import { tcp } from '@libp2p/tcp';
import { noise } from '@chainsafe/libp2p-noise';
import { yamux } from '@chainsafe/libp2p-yamux';
import { identify } from '@libp2p/identify';
import { ping } from '@libp2p/ping';
import { generateKeyPair, privateKeyFromProtobuf } from '@libp2p/crypto/keys';
import { Chain } from './chain.mjs';
import { DEFAULT_COMMAND_MS, createCommands } from './commands.mjs';
import { ECHO_PROTOCOL, echoHandler } from './echo.mjs';
import { EXCHANGE_PROTOCOL, exchangeHandler } from './exchange.mjs';
import { HELLO_PROTOCOL, helloFor, helloHandler, sayHello } from './hello.mjs';
import { Identities } from './identities.mjs';
import { attachPubsub, pubsubService } from './pubsub.mjs';
import { SINK_PROTOCOL, sinkHandler } from './sink.mjs';

const { values: args } = parseArgs({
  options: {
    listen: { type: 'string', multiple: true },
    key: { type: 'string' },
    car: { type: 'string' },
    weight: { type: 'string', default: '0' },
    genesis: { type: 'string' },
    greet: { type: 'boolean', default: false },
    pubsub: { type: 'string' },
    network: { type: 'string', default: 'testnetnet' }
  },
  strict: true
});

const log = (text) => process.stderr.write(`[js-peer] ${text}\n`);
const emit = (line) => process.stdout.write(JSON.stringify(line) + '\n');

// The harness gone (stdout closed): nobody is left to answer, so stop rather than die on EPIPE mid-write.
process.stdout.on('error', (err) => {
  log(`stdout: ${err.message}`);
  process.exit(1);
});

// A stray rejection must not kill the peer in the middle of a test; it is logged for the failure message.
process.on('unhandledRejection', (err) => log(`unhandled rejection: ${err?.stack ?? err}`));

const chain = args.car ? await Chain.load(args.car, args.genesis) : null;
const weight = BigInt(args.weight);
const privateKey = args.key
  ? privateKeyFromProtobuf(Uint8Array.from(Buffer.from(args.key, 'hex')))
  : await generateKeyPair('Ed25519');

const pubsub = pubsubService(args.pubsub, args.network);  // null without --pubsub
const node = await createLibp2p({
  privateKey,
  addresses: { listen: args.listen ?? ['/ip4/127.0.0.1/tcp/0'] },
  transports: [tcp()],
  connectionEncrypters: [noise()],
  streamMuxers: [yamux()],
  services: { identify: identify(), ping: ping(), ...(pubsub === null ? {} : { pubsub }) }
});

const identities = new Identities();
const greeted = new Set();

node.addEventListener('connection:open', ({ detail: connection }) => {
  emit({
    event: 'connected',
    peer: connection.remotePeer.toString(),
    addr: connection.remoteAddr.toString(),
    direction: connection.direction
  });
});

node.addEventListener('peer:identify', ({ detail: result }) => {
  const seen = identities.record(result);
  emit({ event: 'identified', ...seen });
  // As Lotus's RunHello: greet once identify has completed, and only peers that list hello.
  if (args.greet && chain !== null && seen.protocols.includes(HELLO_PROTOCOL) && !greeted.has(seen.peer)) {
    greeted.add(seen.peer);
    sayHello(node, result.peerId, helloFor(chain, weight), AbortSignal.timeout(DEFAULT_COMMAND_MS))
      .then(latency => emit({ event: 'greeted', peer: seen.peer, ...latency }))
      .catch(err => emit({ event: 'greetFailed', peer: seen.peer, error: err.message }));
  }
});

// A test opens 100 concurrent echo streams on one connection; js-libp2p's default allows 32 inbound per protocol.
await node.handle(ECHO_PROTOCOL, echoHandler(log), { maxInboundStreams: 1024, maxOutboundStreams: 1024 });
await node.handle(HELLO_PROTOCOL, helloHandler((peer, hello) => emit({ event: 'hello', peer, ...hello }), log));
await node.handle(SINK_PROTOCOL, sinkHandler(log));
// Lotus's syncer sends 16 concurrent exchange requests to one peer.
await node.handle(EXCHANGE_PROTOCOL, exchangeHandler(chain, log), { maxInboundStreams: 64 });
// Pubsub's listeners go on before `ready` is printed: nobody knows the address yet, so no event can be missed.
const commands = {
  ...createCommands({ node, chain, weight, identities, pubsub: args.pubsub ?? null }),
  ...(pubsub === null ? {} : attachPubsub({ pubsub: node.services.pubsub, mode: args.pubsub, network: args.network, emit }))
};
await node.start();

emit({ event: 'ready', peerId: node.peerId.toString(), addrs: node.getMultiaddrs().map(String) });

let stopping = false;

async function stop () {
  if (stopping) {
    return;
  }
  stopping = true;
  await node.stop().catch(err => log(`stop: ${err.message}`));
  // Exit only once stdout has taken every line written so far.
  process.stdout.write('', () => process.exit(0));
}

async function run (line) {
  let request;
  try {
    request = JSON.parse(line);
  } catch {
    emit({ id: null, ok: false, error: `not JSON: ${line.slice(0, 200)}` });
    return;
  }
  const { id, cmd, ...params } = request;
  if (cmd === 'stop') {
    emit({ id, ok: true });
    await stop();
    return;
  }
  const command = Object.hasOwn(commands, cmd) ? commands[cmd] : undefined;
  if (command === undefined) {
    emit({ id, ok: false, error: `unknown command ${cmd}` });
    return;
  }
  try {
    const signal = AbortSignal.timeout(params.timeoutMs ?? DEFAULT_COMMAND_MS);
    // One command's signal is shared by all its streams (100 for `streams`): not a leak.
    setMaxListeners(Infinity, signal);
    const result = await command(params, signal);
    emit({ id, ok: true, ...result });
  } catch (err) {
    log(`${cmd} #${id}: ${err.stack ?? err}`);
    emit({ id, ok: false, error: err.message ?? String(err) });
  }
}

const input = createInterface({ input: process.stdin, crlfDelay: Infinity });
input.on('line', (line) => {
  if (line.trim() !== '') {
    run(line);
  }
});
// The harness closing stdin (or dying) ends the peer.
input.on('close', () => stop());
