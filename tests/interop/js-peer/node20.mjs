// js-libp2p 3.x and its helpers (@libp2p/utils, yamux, ping, mortice/it-queue) call Promise.withResolvers, which
// Node.js has from 22 on, though none of them declares it in "engines". The CI runs Node.js 20, so this supplies
// the one missing built-in, exactly as specified (TC39 Promise.withResolvers). Imported first by peer.mjs.
if (typeof Promise.withResolvers !== 'function') {
  Object.defineProperty(Promise, 'withResolvers', {
    configurable: true,
    writable: true,
    value: function withResolvers () {
      let resolve;
      let reject;
      const promise = new this((res, rej) => {
        resolve = res;
        reject = rej;
      });
      return { promise, resolve, reject };
    }
  });
}
