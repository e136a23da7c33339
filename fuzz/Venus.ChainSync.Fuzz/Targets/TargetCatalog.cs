using Venus.ChainSync.Fuzz.Harness;

namespace Venus.ChainSync.Fuzz.Targets;

/// <summary>
/// Every target, by the name the command line, <c>fuzz/run</c> and the corpus folders use, with its allocation
/// budget (bytes per input byte, constant). <c>fuzz/README.md</c> has the table with the measurements behind each
/// number: what the corpus and the afl-fuzz queues allocated when replayed, what the densest structure the decoder
/// accepts costs, and the headroom above both.
/// </summary>
internal static class TargetCatalog
{
    public static IReadOnlyList<FuzzTarget> All { get; } =
    [
        new("cbor", "DagCbor.Validate: one whole strict DAG-CBOR item of any shape", new(16, 24576), CborTargets.Validate),
        new("header", "BlockHeader.Decode, WriteTo, EncodeFields, Cid, SigningBytes", new(32, 8192), ChainObjectTargets.Header),
        new("message", "Message.Decode, WriteTo, EncodeFields, Cid", new(16, 8192), ChainObjectTargets.Message),
        new("signed-message", "SignedMessage.Decode, WriteTo, Create, Cid (Lotus's BLS rule)", new(16, 8192), ChainObjectTargets.SignedMessage),
        new("receipt", "MessageReceipt.Decode (3 and 4 fields), EncodeFields", new(16, 8192), ChainObjectTargets.Receipt),
        new("block-msg", "BlockMsg.Decode (the gossip payload), WriteTo, Create", new(32, 8192), ChainObjectTargets.BlockMsg),
        new("msg-meta", "MsgMeta.Decode, Create, Cid", new(16, 8192), ChainObjectTargets.MsgMeta),
        new("amt-node", "AmtV0Node.Decode at a height from the first byte", new(16, 24576), AmtTargets.Node),
        new("amt-root", "AmtV0Root.Decode", new(16, 24576), AmtTargets.Root),
        new("amt-collect", "AmtV0Root.Decode + CollectAsync over a loader of the input's further items", new(48, 24576), AmtTargets.Collect),
        new("tipset-key-bytes", "TipSetKey.FromBytes (concatenated binary CIDs), ToBytes, Cid", new(32, 8192), TipSetKeyTargets.Bytes),
        new("tipset-key-cbor", "TipSetKey.ReadList (CBOR list of CIDs), WriteAsList", new(16, 8192), TipSetKeyTargets.List),
        new("car", "CarReader over a plain CAR v1, all blocks, hashes verified; CarWriter round trip", new(32, 65536), CarTargets.Read),
        new("car-zst", "CarReader over a zstd-compressed CAR (raw input; compressed seeds); decompression capped", new(256, 262144), CarTargets.Read),
        new("exchange-request", "ExchangeRequest.Decode, Encode", new(16, 8192), ExchangeTargets.Request),
        new("exchange-response", "ExchangeResponse.Decode + ResponseValidator.Validate (request from the first byte), Encode", new(64, 32768), ExchangeTargets.Response),
        new("hello", "HelloMessage.Decode, Encode", new(16, 8192), HelloTargets.Greeting),
        new("latency", "LatencyMessage.Decode, Encode", new(16, 8192), HelloTargets.Latency),
        new("address-bytes", "Address.TryFromBytes / FromBytes, text round trip", new(16, 8192), AddressTargets.FromBytes),
        new("address-text", "Address.TryParse / Parse, ToString round trip", new(16, 8192), AddressTargets.Parse),
        new("cid-text", "Cid.TryParse / Parse, ToString round trip", new(16, 8192), CidTargets.Parse),
        new("cid-bytes", "Cid.TryFromBytes / FromBytes, text round trip", new(16, 8192), CidTargets.FromBytes),
        new("peer-id", "PeerId.TryParse / Parse, ToString round trip", new(16, 8192), PeerIdTargets.Parse),
        new("multiaddr-text", "Multiaddr.TryParse / Parse, both forms round trip", new(16, 8192), MultiaddrTargets.Parse),
        new("multiaddr-bytes", "Multiaddr.TryFromBytes / FromBytes, bytes kept, text round trip", new(16, 8192), MultiaddrTargets.FromBytes),
        new("libp2p-key", "Libp2pPublicKey.Decode (protobuf), canonical re-encoding round trip", new(16, 16384), Libp2pTargets.PublicKey),
        new("noise-payload", "NoisePayload.Verify: handshake payload (identity key, signature, extensions) over a 32-byte static key", new(32, 32768), Libp2pTargets.NoisePayloadVerify),
        new("identify", "IdentifyProtocol.ReadAsync: delimited identify messages to the end, merged, bounded", new(64, 65536), Libp2pTargets.Identify),
        new("pubsub-rpc", "RpcFraming.ReadAsync to the end (64 KiB cap), MessageSigning.Verify and ids of every message and IHAVE; each RPC's parse costs a 4 KiB CodedInputStream buffer, so minimal RPCs run near 160 B per input byte", new(256, 65536), Libp2pTargets.PubSubRpc),
        new("multistream-listen", "MultistreamSelect.ListenAsync: header, proposals, ls, na, as a listener", new(64, 65536), Libp2pTargets.MultistreamListen),
    ];

    public static FuzzTarget? Find(string name) => All.FirstOrDefault(t => string.Equals(t.Name, name, StringComparison.Ordinal));
}
