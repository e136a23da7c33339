// What identify told us about each peer, kept so that a command can ask after the fact, or wait for it: js-libp2p
// runs identify on every new connection by itself, so the result usually arrives before anyone asks.

export class Identities {
  #results = new Map();
  #waiters = new Map();

  /** Records a js-libp2p IdentifyResult and returns it as the JSON the harness sees. */
  record (result) {
    const peer = result.peerId.toString();
    const seen = {
      peer,
      protocols: [...result.protocols],
      agentVersion: result.agentVersion ?? null,
      protocolVersion: result.protocolVersion ?? null,
      listenAddrs: result.listenAddrs.map(String),
      observedAddr: result.observedAddr?.toString() ?? null
    };
    this.#results.set(peer, seen);
    for (const resolve of this.#waiters.get(peer) ?? []) {
      resolve(seen);
    }
    this.#waiters.delete(peer);
    return seen;
  }

  /** The identify result for `peer`, waiting up to `ms` for one. */
  wait (peer, ms) {
    const known = this.#results.get(peer);
    if (known !== undefined) {
      return Promise.resolve(known);
    }
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        this.#waiters.get(peer)?.delete(done);
        reject(new Error(`no identify result from ${peer} within ${ms} ms`));
      }, ms);
      const done = (seen) => {
        clearTimeout(timer);
        resolve(seen);
      };
      const waiting = this.#waiters.get(peer) ?? new Set();
      waiting.add(done);
      this.#waiters.set(peer, waiting);
    });
  }
}
