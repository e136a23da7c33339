// `npm test`: two peer.mjs processes driven over their stdio protocol, as the C# harness drives them, checking
// dial, identify, ping, a 10 MiB echo, 100 concurrent streams, the benchmark's push, round trips and CPU time, and
// hello plus chain exchange over the committed CAR fixture (fixtures/chain.car and fixtures/chain.json, both written
// by the C# ChainFixture); then three gossipsub peers in a line and a floodsub peer, checking subscriptions, the
// blake2b message id, a rejecting validator in the middle of the line, the score counters and floodsub fallback.
import { spawn } from 'node:child_process';
import { readFile } from 'node:fs/promises';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import assert from 'node:assert/strict';
import { ECHO_PROTOCOL } from './echo.mjs';
import { EXCHANGE_PROTOCOL } from './exchange.mjs';
import { HELLO_PROTOCOL } from './hello.mjs';
import { SINK_PROTOCOL } from './sink.mjs';
import { blocksTopic, messageId, toHex } from './pubsub.mjs';

const here = fileURLToPath(new URL('.', import.meta.url));
const GUARD_MS = 60_000;

/** One peer.mjs process: commands by id, events in a queue. */
class Peer {
  #next = 1;
  #pending = new Map();
  #events = [];
  #eventWaiters = [];

  constructor (name, args) {
    this.name = name;
    this.process = spawn(process.execPath, ['peer.mjs', ...args], { cwd: here, stdio: ['pipe', 'pipe', 'inherit'] });
    this.ready = new Promise((resolve, reject) => {
      this.process.once('exit', (code) => reject(new Error(`${name} exited with ${code} before ready`)));
      createInterface({ input: this.process.stdout }).on('line', (line) => {
        const message = JSON.parse(line);
        if (message.event === 'ready') {
          resolve(message);
        } else if (message.event !== undefined) {
          this.#events.push(message);
          this.#eventWaiters.forEach(w => w());
        } else {
          this.#pending.get(message.id)?.(message);
          this.#pending.delete(message.id);
        }
      });
    });
  }

  async send (cmd, params = {}) {
    const id = this.#next++;
    const reply = new Promise((resolve) => this.#pending.set(id, resolve));
    this.process.stdin.write(JSON.stringify({ id, cmd, ...params }) + '\n');
    const message = await guard(reply, `${this.name} ${cmd}`);
    if (!message.ok) {
      throw new Error(`${this.name} ${cmd}: ${message.error}`);
    }
    return message;
  }

  /** Every event seen so far. */
  events () {
    return [...this.#events];
  }

  /** The first event (seen so far or later) for which `match` holds. */
  event (match) {
    return guard(new Promise((resolve) => {
      const look = () => {
        const found = this.#events.find(match);
        if (found !== undefined) {
          resolve(found);
        }
      };
      this.#eventWaiters.push(look);
      look();
    }), `${this.name} event`);
  }

  async stop () {
    const exited = new Promise((resolve) => this.process.once('exit', resolve));
    this.process.stdin.end();
    assert.equal(await guard(exited, `${this.name} exit`), 0);
  }
}

function guard (promise, what) {
  let timer;
  return Promise.race([
    promise,
    new Promise((_resolve, reject) => { timer = setTimeout(() => reject(new Error(`${what}: no answer in ${GUARD_MS} ms`)), GUARD_MS); })
  ]).finally(() => clearTimeout(timer));
}

async function check (name, body) {
  const started = Date.now();
  await body();
  console.log(`ok   ${name} (${Date.now() - started} ms)`);
}

const fixture = JSON.parse(await readFile(new URL('./fixtures/chain.json', import.meta.url), 'utf8'));
const car = fileURLToPath(new URL('./fixtures/chain.car', import.meta.url));

const server = new Peer('server', ['--car', car, '--weight', fixture.weight, '--listen', '/ip4/127.0.0.1/tcp/0', '--listen', '/ip6/::1/tcp/0']);
const client = new Peer('client', ['--car', car, '--weight', fixture.weight]);
try {
  const [serverReady] = await Promise.all([server.ready, client.ready]);
  let peer;

  await check('dial over IPv4', async () => {
    const addr = serverReady.addrs.find(a => a.startsWith('/ip4/'));
    peer = (await client.send('dial', { addr })).peer;
    assert.equal(peer, serverReady.peerId);
  });

  await check('identify lists echo, sink, hello and exchange', async () => {
    const seen = await client.send('identify', { peer });
    for (const protocol of [ECHO_PROTOCOL, SINK_PROTOCOL, HELLO_PROTOCOL, EXCHANGE_PROTOCOL, '/ipfs/ping/1.0.0', '/ipfs/id/1.0.0']) {
      assert.ok(seen.protocols.includes(protocol), `identify lacks ${protocol}: ${seen.protocols}`);
    }
    assert.equal(seen.listenAddrs.length, 2);
  });

  await check('ping', async () => {
    const { rttMs } = await client.send('ping', { peer });
    assert.equal(typeof rttMs, 'number');
  });

  await check('echo 10 MiB', async () => {
    const r = await client.send('echo', { peer, bytes: 10 * 1024 * 1024, seed: 7 });
    assert.equal(r.received, r.sent);
    assert.equal(r.sha256Received, r.sha256Sent);
  });

  await check('100 concurrent streams', async () => {
    const r = await client.send('streams', { peer, count: 100, bytes: 64 * 1024 });
    assert.deepEqual([r.allMatched, r.count], [true, 100]);
  });

  await check('push 16 MiB into the sink: answered, time reported', async () => {
    const r = await client.send('push', { peer, mib: 16 });
    assert.equal(r.bytes, 16 * 1024 * 1024);
    assert.ok(r.elapsedMs > 0, `elapsedMs ${r.elapsedMs}`);
  });

  await check('roundTrips: 20 echoes of 100 B, time reported', async () => {
    const r = await client.send('roundTrips', { peer, count: 20, bytes: 100 });
    assert.equal(r.count, 20);
    assert.ok(r.elapsedMs > 0, `elapsedMs ${r.elapsedMs}`);
  });

  await check('cpu: the CPU time spent so far', async () => {
    const { cpuMs } = await client.send('cpu');
    assert.ok(cpuMs > 0, `cpuMs ${cpuMs}`);
  });

  await check('hello: latency answered, greeting seen by the server', async () => {
    const latency = await client.send('hello', { peer });
    assert.ok(BigInt(latency.tSent) >= BigInt(latency.tArrival));
    const greeting = await server.event(e => e.event === 'hello');
    assert.deepEqual(greeting.heaviestTipSet, fixture.head);
    assert.equal(greeting.height, fixture.headHeight);
    assert.equal(greeting.weight, fixture.weight);
    assert.equal(greeting.genesis, fixture.genesis);
  });

  await check('syncHeaders: the whole chain back to genesis, Partial', async () => {
    const r = await client.send('syncHeaders', { peer, head: fixture.head, length: 900 });
    assert.equal(r.status, 101);
    assert.deepEqual(r.tipsets, fixture.tipsets.map(t => t.cids));
    assert.deepEqual(r.heights, fixture.tipsets.map(t => t.height));
  });

  await check('syncHeaders: 5 from the head, Ok', async () => {
    const r = await client.send('syncHeaders', { peer, head: fixture.head, length: 5 });
    assert.equal(r.status, 0);
    assert.deepEqual(r.tipsets, fixture.tipsets.slice(0, 5).map(t => t.cids));
  });

  await check('syncMessages: message counts match the fixture', async () => {
    const r = await client.send('syncMessages', { peer, head: fixture.head, length: 900 });
    assert.deepEqual(r.messages.map(m => [m.bls, m.secpk]), fixture.tipsets.map(t => [t.blsMessages, t.secpkMessages]));
  });

  await check('syncHeaders: an unknown head is InternalError', async () => {
    const r = await client.send('syncHeaders', { peer, head: [fixture.genesisParent], length: 1 });
    assert.equal(r.status, 203);
  });

  await check('stop: both exit 0', async () => {
    await Promise.all([server.stop(), client.stop()]);
  });
} catch (err) {
  server.process.kill();
  client.process.kill();
  console.error(`FAIL ${err.stack}`);
  process.exit(1);
}

const network = 'selftest';
const topic = blocksTopic(network);
const gossip = ['a', 'b', 'c'].map(name => new Peer(name, ['--pubsub', 'gossipsub', '--network', network]));
const flood = new Peer('flood', ['--pubsub', 'floodsub']);
const [a, b, c] = gossip;
try {
  const [readyA, readyB, readyC, readyF] = await Promise.all([...gossip, flood].map(p => p.ready));
  const received = (peer, data) => peer.event(e => e.event === 'message' && e.data === data);

  await check('gossipsub: identify lists meshsub 1.2, 1.1, 1.0 and floodsub', async () => {
    await a.send('dial', { addr: readyB.addrs[0] });
    const seen = await a.send('identify', { peer: readyB.peerId });
    for (const protocol of ['/meshsub/1.2.0', '/meshsub/1.1.0', '/meshsub/1.0.0', '/floodsub/1.0.0']) {
      assert.ok(seen.protocols.includes(protocol), `identify lacks ${protocol}: ${seen.protocols}`);
    }
  });

  await check('gossipsub: a subscription is seen, a message arrives with the blake2b-256 id', async () => {
    await Promise.all([a.send('subscribe', { topic }), b.send('subscribe', { topic })]);
    await a.event(e => e.event === 'subscription' && e.peer === readyB.peerId && e.topic === topic && e.subscribe);
    assert.deepEqual((await a.send('peers', { topic })).peers, [readyB.peerId]);
    const data = '0001020304';
    const published = await a.send('publish', { topic, data });
    assert.equal(published.msgId, toHex(messageId(Buffer.from(data, 'hex'))));
    assert.deepEqual(published.recipients, [readyB.peerId]);
    const message = await received(b, data);
    assert.deepEqual([message.msgId, message.from, message.receivedFrom, message.topic],
      [published.msgId, readyA.peerId, readyA.peerId, topic]);
  });

  await check('gossipsub: B rejects ff…, so in the line A -> B -> C only the accepted message reaches C', async () => {
    await b.send('validator', { topic, mode: 'reject-if-data-prefix', prefix: 'ff' });
    await c.send('subscribe', { topic });
    await c.send('dial', { addr: readyB.addrs[0] });
    await b.event(e => e.event === 'graft' && e.peer === readyC.peerId && e.topic === topic);
    await a.send('publish', { topic, data: 'ff01' });
    const verdict = await b.event(e => e.event === 'validated' && e.data === 'ff01');
    assert.deepEqual([verdict.verdict, verdict.receivedFrom], ['reject', readyA.peerId]);
    await a.send('publish', { topic, data: '0101' });
    const relayed = await received(c, '0101');
    assert.deepEqual([relayed.from, relayed.receivedFrom], [readyA.peerId, readyB.peerId]);
    assert.equal(c.events().filter(e => e.event === 'message' && e.data === 'ff01').length, 0);
  });

  await check('gossipsub: B counts the rejected message against A; A scores B >= 0 after valid traffic', async () => {
    // Counters decay every second (by 0.01^(1/3600)), so they are checked for being there, not for being 1. A is
    // left out of the mesh check: its negative score gets it pruned from B's mesh at B's next heartbeat.
    const ofA = await b.send('score', { peer: readyA.peerId });
    assert.ok(ofA.topics[topic].invalidMessageDeliveries > 0.99, JSON.stringify(ofA));
    await b.send('publish', { topic, data: '0202' });
    await received(a, '0202');
    const ofB = await a.send('score', { peer: readyB.peerId });
    assert.ok(ofB.score >= 0, `score ${ofB.score}`);
    assert.ok(ofB.topics[topic].firstMessageDeliveries > 0.99, JSON.stringify(ofB));
    assert.ok((await b.send('mesh', { topic })).peers.includes(readyC.peerId));
  });

  await check('floodsub: a floodsub-only peer and a gossipsub peer exchange messages both ways', async () => {
    await flood.send('subscribe', { topic });
    await flood.send('dial', { addr: readyA.addrs[0] });
    await a.event(e => e.event === 'subscription' && e.peer === readyF.peerId && e.subscribe);
    await flood.event(e => e.event === 'subscription' && e.peer === readyA.peerId && e.subscribe);
    const seen = await a.send('identify', { peer: readyF.peerId });
    assert.ok(!seen.protocols.some(p => p.startsWith('/meshsub/')), `floodsub peer lists ${seen.protocols}`);
    await flood.send('publish', { topic, data: '0303' });
    const fromFlood = await received(a, '0303');
    assert.equal(fromFlood.receivedFrom, readyF.peerId);
    await a.send('publish', { topic, data: '0404' });
    const toFlood = await received(flood, '0404');
    assert.deepEqual([toFlood.msgId, toFlood.from, toFlood.receivedFrom], [toHex(messageId(Uint8Array.of(4, 4))), readyA.peerId, readyA.peerId]);
  });

  await check('stop: the pubsub peers exit 0', async () => {
    await Promise.all([...gossip, flood].map(p => p.stop()));
  });
} catch (err) {
  [...gossip, flood].forEach(p => p.process.kill());
  console.error(`FAIL ${err.stack}`);
  process.exit(1);
}
