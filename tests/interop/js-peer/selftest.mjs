// `npm test`: two peer.mjs processes driven over their stdio protocol, as the C# harness drives them, checking
// dial, identify, ping, a 10 MiB echo, 100 concurrent streams, the benchmark's push, round trips and CPU time, and
// hello plus chain exchange over the committed CAR fixture (fixtures/chain.car and fixtures/chain.json, both written
// by the C# ChainFixture).
import { spawn } from 'node:child_process';
import { readFile } from 'node:fs/promises';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import assert from 'node:assert/strict';
import { ECHO_PROTOCOL } from './echo.mjs';
import { EXCHANGE_PROTOCOL } from './exchange.mjs';
import { HELLO_PROTOCOL } from './hello.mjs';
import { SINK_PROTOCOL } from './sink.mjs';

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
