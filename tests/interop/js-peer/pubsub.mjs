// Pubsub for the interop peer: gossipsub configured as Lotus configures go-libp2p-pubsub, or floodsub alone, plus
// the commands and events the harness drives it with. Sources of every number: Lotus node/modules/lp2p/pubsub.go
// (init(), GossipSub(), the score threshold constants, HashMsgId) and go-libp2p-pubsub's defaults where Lotus keeps
// them; tests/interop/README.md lists them.
// Both routers' TopicValidatorResult are the strings 'accept', 'ignore' and 'reject'; gossipsub's serves for both.
import { gossipsub, StrictSign, TopicValidatorResult } from '@libp2p/gossipsub';
import { floodsub } from '@libp2p/floodsub';
import { peerIdFromString } from '@libp2p/peer-id';
import { blake2b } from '@noble/hashes/blake2.js';

export const PUBSUB_MODES = ['gossipsub', 'floodsub'];

/** The loopback addresses exempt from the IP colocation penalty (P6): every test peer shares them. */
export const COLOCATION_WHITELIST = ['127.0.0.1', '::1'];

/** go-libp2p-pubsub's DefaultMaxMessageSize, which Lotus keeps: the largest RPC a peer may send. */
const MAX_RPC_BYTES = 1 << 20;

const SECOND = 1000;
const MINUTE = 60 * SECOND;
const HOUR = 60 * MINUTE;

/** go-libp2p-pubsub's DefaultDecayInterval and DefaultDecayToZero, which Lotus passes as they are. */
const DECAY_INTERVAL_MS = SECOND;
const DECAY_TO_ZERO = 0.01;

/** Lotus build.BlocksTopic. */
export const blocksTopic = (network) => `/fil/blocks/${network}`;

/** Lotus build.MessagesTopic. */
export const messagesTopic = (network) => `/fil/msgs/${network}`;

/**
 * go-libp2p-pubsub's ScoreParameterDecay: the per-decay-interval factor that takes a counter from 1 to DecayToZero
 * in `durationMs`.
 */
export function scoreParameterDecay (durationMs) {
  return Math.pow(DECAY_TO_ZERO, DECAY_INTERVAL_MS / durationMs);
}

/** Lotus's message id (HashMsgId): blake2b-256 of the message data, ignoring from and seqno. */
export function messageId (data) {
  return blake2b(data, { dkLen: 32 });
}

export const toHex = (bytes) => Buffer.from(bytes).toString('hex');

function fromHex (hex, what) {
  if (typeof hex !== 'string' || !/^([0-9a-fA-F]{2})*$/.test(hex)) {
    throw new Error(`${what} must be an even-length hex string`);
  }
  return Uint8Array.from(Buffer.from(hex, 'hex'));
}

/**
 * The gossipsub options that make this peer behave as a Lotus (non-bootstrapper) node. js gossipsub fills every
 * score parameter not given here with its own defaults, which differ from go's zero values, so the parameters Lotus
 * leaves out (P3, P3b, the topic score cap) are set to go's zero explicitly.
 */
export function lotusGossipsubOptions (network) {
  const offP3 = {
    meshMessageDeliveriesWeight: 0,
    meshMessageDeliveriesDecay: 0,
    meshMessageDeliveriesCap: 0,
    meshMessageDeliveriesThreshold: 0,
    meshMessageDeliveriesWindow: 0,
    meshMessageDeliveriesActivation: 0,
    meshFailurePenaltyWeight: 0,
    meshFailurePenaltyDecay: 0
  };
  return {
    globalSignaturePolicy: StrictSign,
    msgIdFn: (msg) => messageId(msg.data),
    msgIdToStrFn: toHex,
    floodPublish: true,
    // init(): GossipSubD…GossipSubGossipFactor.
    D: 8,
    Dlo: 6,
    Dhi: 12,
    Dscore: 6,
    Dout: 3,
    Dlazy: 12,
    mcacheLength: 10,
    mcacheGossip: 3,
    gossipFactor: 0.1,
    gossipsubIWantFollowupMs: 5 * SECOND,
    // go-libp2p-pubsub defaults Lotus keeps (js has the same values; written out so that they are seen).
    heartbeatInterval: SECOND,
    fanoutTTL: MINUTE,
    seenTTL: 2 * MINUTE,
    pruneBackoff: MINUTE,
    unsubcribeBackoff: 10 * SECOND,
    doPX: false,
    fallbackToFloodsub: true,
    maxInboundDataLength: MAX_RPC_BYTES,
    // Lotus's subscription filter: the blocks and messages topics (drand and F3 topics are not served here).
    allowedTopics: [blocksTopic(network), messagesTopic(network)],
    // go's Publish neither fails without peers nor delivers to the publisher's own subscription.
    allowPublishToZeroTopicPeers: true,
    emitSelf: false,
    scoreParams: {
      topics: {
        [blocksTopic(network)]: {
          topicWeight: 0.1,
          timeInMeshWeight: 0.00027,
          timeInMeshQuantum: SECOND,
          timeInMeshCap: 1,
          firstMessageDeliveriesWeight: 5,
          firstMessageDeliveriesDecay: scoreParameterDecay(HOUR),
          firstMessageDeliveriesCap: 100,
          ...offP3,
          invalidMessageDeliveriesWeight: -1000,
          invalidMessageDeliveriesDecay: scoreParameterDecay(HOUR)
        },
        [messagesTopic(network)]: {
          topicWeight: 0.1,
          timeInMeshWeight: 0.0002778,
          timeInMeshQuantum: SECOND,
          timeInMeshCap: 1,
          firstMessageDeliveriesWeight: 0.5,
          firstMessageDeliveriesDecay: scoreParameterDecay(10 * MINUTE),
          firstMessageDeliveriesCap: 100,
          ...offP3,
          invalidMessageDeliveriesWeight: -1000,
          invalidMessageDeliveriesDecay: scoreParameterDecay(HOUR)
        }
      },
      topicScoreCap: 0,
      // No bootstrappers here, so Lotus's AppSpecificScore is 0 for every peer.
      appSpecificScore: () => 0,
      appSpecificWeight: 1,
      IPColocationFactorWeight: -100,
      IPColocationFactorThreshold: 5,
      IPColocationFactorWhitelist: new Set(COLOCATION_WHITELIST),
      behaviourPenaltyWeight: -10,
      behaviourPenaltyThreshold: 6,
      behaviourPenaltyDecay: scoreParameterDecay(HOUR),
      decayInterval: DECAY_INTERVAL_MS,
      decayToZero: DECAY_TO_ZERO,
      retainScore: 6 * HOUR
    },
    scoreThresholds: {
      gossipThreshold: -500,
      publishThreshold: -1000,
      graylistThreshold: -2500,
      acceptPXThreshold: 1000,
      opportunisticGraftThreshold: 3.5
    }
  };
}

/** The libp2p service for `mode`, or null for none. */
export function pubsubService (mode, network) {
  switch (mode) {
    case undefined:
    case null:
      return null;
    case 'gossipsub':
      return gossipsub(lotusGossipsubOptions(network));
    case 'floodsub':
      // /floodsub/1.0.0 only; StrictSign, as the gossipsub peers it talks to require.
      return floodsub({ globalSignaturePolicy: StrictSign, emitSelf: false });
    default:
      throw new Error(`--pubsub must be one of ${PUBSUB_MODES.join(', ')}, not ${mode}`);
  }
}

/**
 * A topic validator's rule, as the `validator` command sets it: accept all, or reject or ignore the messages whose
 * data starts with `prefix`.
 */
function parseRule ({ mode, prefix }) {
  switch (mode) {
    case 'accept':
      return { mode, verdict: () => TopicValidatorResult.Accept };
    case 'reject-if-data-prefix':
    case 'ignore-if-data-prefix': {
      const bytes = fromHex(prefix, 'prefix');
      const hit = mode.startsWith('reject') ? TopicValidatorResult.Reject : TopicValidatorResult.Ignore;
      return {
        mode,
        prefix: toHex(bytes),
        verdict: (data) => startsWith(data, bytes) ? hit : TopicValidatorResult.Accept
      };
    }
    default:
      throw new Error(`validator mode must be accept, reject-if-data-prefix or ignore-if-data-prefix, not ${mode}`);
  }
}

function startsWith (data, prefix) {
  if (data.length < prefix.length) {
    return false;
  }
  for (let i = 0; i < prefix.length; i++) {
    if (data[i] !== prefix[i]) {
      return false;
    }
  }
  return true;
}

/**
 * Wires `pubsub` (node.services.pubsub) to the stdio protocol: emits its events and returns its commands. Every
 * subscribed topic gets a validator (accept until told otherwise), which is what reports each verdict and, under
 * floodsub, the peer a message came from (floodsub's message event does not say).
 */
export function attachPubsub ({ pubsub, mode, network, emit }) {
  const isGossipsub = mode === 'gossipsub';
  const allowed = isGossipsub ? new Set([blocksTopic(network), messagesTopic(network)]) : null;
  const rules = new Map();
  // floodsub hands its validator and its message listener the same message object.
  const receivedFrom = new WeakMap();

  const describe = (msg, source, id) => ({
    topic: msg.topic,
    data: toHex(msg.data),
    from: msg.type === 'signed' ? msg.from.toString() : null,
    seqno: msg.type === 'signed' ? msg.sequenceNumber.toString() : null,
    receivedFrom: source?.toString() ?? null,
    msgId: id ?? toHex(messageId(msg.data))
  });

  const install = (topic) => {
    if (pubsub.topicValidators.has(topic)) {
      return;
    }
    pubsub.topicValidators.set(topic, (peer, msg) => {
      receivedFrom.set(msg, peer);
      const verdict = (rules.get(topic) ?? parseRule({ mode: 'accept' })).verdict(msg.data);
      emit({ event: 'validated', ...describe(msg, peer), verdict });
      return verdict;
    });
  };

  if (isGossipsub) {
    pubsub.addEventListener('gossipsub:message', ({ detail }) => {
      emit({ event: 'message', ...describe(detail.msg, detail.propagationSource, detail.msgId) });
    });
    pubsub.addEventListener('gossipsub:graft', ({ detail }) => {
      emit({ event: 'graft', peer: detail.peerId, topic: detail.topic, direction: detail.direction });
    });
    pubsub.addEventListener('gossipsub:prune', ({ detail }) => {
      emit({ event: 'prune', peer: detail.peerId, topic: detail.topic, direction: detail.direction });
    });
  } else {
    pubsub.addEventListener('message', ({ detail: msg }) => {
      emit({ event: 'message', ...describe(msg, receivedFrom.get(msg)) });
    });
  }
  pubsub.addEventListener('subscription-change', ({ detail }) => {
    for (const { topic, subscribe } of detail.subscriptions) {
      emit({ event: 'subscription', peer: detail.peerId.toString(), topic, subscribe });
    }
  });

  const needTopic = (topic) => {
    if (typeof topic !== 'string' || topic === '') {
      throw new Error('topic is required');
    }
    if (allowed !== null && !allowed.has(topic)) {
      throw new Error(`${topic} is outside Lotus's topic allowlist (${[...allowed].join(', ')}); start with --network`);
    }
    return topic;
  };
  const needGossipsub = (cmd) => {
    if (!isGossipsub) {
      throw new Error(`${cmd} needs gossipsub; this peer runs ${mode}`);
    }
  };

  return {
    async subscribe ({ topic }) {
      install(needTopic(topic));
      pubsub.subscribe(topic);
      return { topics: pubsub.getTopics() };
    },

    async unsubscribe ({ topic }) {
      pubsub.unsubscribe(needTopic(topic));
      return { topics: pubsub.getTopics() };
    },

    async publish ({ topic, data }) {
      const bytes = fromHex(data, 'data');
      const result = await pubsub.publish(needTopic(topic), bytes);
      return { msgId: toHex(messageId(bytes)), recipients: result.recipients.map(String) };
    },

    async validator ({ topic, mode: ruleMode, prefix }) {
      const rule = parseRule({ mode: ruleMode, prefix });
      rules.set(needTopic(topic), rule);
      install(topic);
      return { topic, mode: rule.mode, prefix: rule.prefix ?? null };
    },

    // getScore is what js gossipsub routes by, cached for one heartbeat; the counters under it are live (a rejected
    // message is counted before its `validated` event reaches the harness), so a test can check them at once.
    async score ({ peer }) {
      needGossipsub('score');
      const id = peerIdFromString(peer).toString();
      const stats = pubsub.dumpPeerScoreStats()[id];
      return {
        score: pubsub.getScore(id),
        known: stats !== undefined,
        behaviourPenalty: stats?.behaviourPenalty ?? 0,
        topics: Object.fromEntries(Object.entries(stats?.topics ?? {}).map(([topic, t]) => [topic, {
          inMesh: t.inMesh,
          meshTimeMs: t.meshTime,
          firstMessageDeliveries: t.firstMessageDeliveries,
          meshMessageDeliveries: t.meshMessageDeliveries,
          invalidMessageDeliveries: t.invalidMessageDeliveries
        }]))
      };
    },

    async mesh ({ topic }) {
      needGossipsub('mesh');
      return { peers: pubsub.getMeshPeers(needTopic(topic)) };
    },

    async peers ({ topic }) {
      return { peers: pubsub.getSubscribers(needTopic(topic)).map(String) };
    }
  };
}
