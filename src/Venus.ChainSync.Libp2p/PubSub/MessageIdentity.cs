using Venus.ChainSync.Libp2p.Protobuf;
using Venus.ChainSync.Primitives.Hashing;

namespace Venus.ChainSync.Libp2p.PubSub;

/// <summary>
/// Filecoin's message id function: blake2b-256 of the message's <c>data</c>, and nothing else (Lotus
/// node/modules/lp2p/pubsub.go <c>HashMsgId</c>, Venus pkg/net/gossipsub.go <c>hashMsgId</c>, Forest
/// <c>blake2b_256(&amp;msg.data)</c>), in place of pubsub's default <c>from</c> ‖ <c>seqno</c>.
/// </summary>
/// <remarks>
/// <para>Every peer of a topic must compute the same id, or IHAVE/IWANT ask for messages nobody has and the promise
/// penalties of gossipsub v1.1 fall on honest peers.</para>
/// <para>Because the id ignores <c>from</c>, <c>seqno</c> and the signature, the same data published twice, by two
/// authors or with two signatures, is one message: the second copy is a duplicate. It also means a forwarder can
/// tamper with everything but the data without changing the id, so a message whose signature fails must not make
/// its id "seen" or "bad": the genuine copy, from another peer, carries the same id.</para>
/// </remarks>
internal static class MessageIdentity
{
    /// <summary>The id of a message with payload <paramref name="data"/>.</summary>
    public static MessageId ForData(ReadOnlySpan<byte> data)
    {
        Span<byte> digest = stackalloc byte[MessageId.Length];
        Blake2b.Hash256(data, digest);
        return MessageId.FromBytes(digest);
    }

    /// <summary>The id of <paramref name="message"/> (an absent <c>data</c> field hashes as empty data, as go's
    /// <c>m.Data</c> is then nil).</summary>
    public static MessageId Of(Message message)
    {
        ArgumentNullException.ThrowIfNull(message);
        return ForData(message.Data.Span);
    }
}
