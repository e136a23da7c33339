using Google.Protobuf;
using Venus.ChainSync.Libp2p.Protobuf;
using Venus.ChainSync.Libp2p.PubSub;
using Venus.ChainSync.Network;

namespace Venus.ChainSync.Libp2p.Tests.PubSub;

/// <summary>The message cache: history and gossip windows across shifts, and the IWANT retransmission cap.</summary>
public sealed class MessageCacheTests
{
    private const string Blocks = "/fil/blocks/testnetnet";
    private const string Msgs = "/fil/msgs/testnetnet";
    private static readonly PeerId Alice = PeerId.ForName("alice");
    private static readonly PeerId Bob = PeerId.ForName("bob");

    [Fact]
    public void A_put_message_is_found_by_id_and_a_second_put_of_the_id_keeps_the_first()
    {
        var cache = new MessageCache(historyLength: 5, gossipLength: 3, retransmissionLimit: 3);
        (MessageId id, Message message) = Entry(Blocks, "one");

        Assert.True(cache.Put(id, message));
        Assert.False(cache.Put(id, Entry(Blocks, "one").Message));

        Assert.True(cache.TryGet(id, out Message? found));
        Assert.Same(message, found);
        Assert.Equal(1, cache.Count);
    }

    [Fact]
    public void Ids_are_gossiped_for_gossip_length_windows_and_served_for_history_length()
    {
        var cache = new MessageCache(historyLength: 5, gossipLength: 3, retransmissionLimit: 3);
        (MessageId id, Message message) = Entry(Blocks, "one");
        cache.Put(id, message);

        for (int shifts = 1; shifts <= 2; shifts++)
        {
            cache.Shift();
            Assert.Equal([id], cache.GetGossipIds(Blocks));
        }

        cache.Shift(); // now 3 windows old: no longer advertised, still served
        Assert.Empty(cache.GetGossipIds(Blocks));
        Assert.True(cache.TryGet(id, out _));

        cache.Shift(); // 4 windows old: the last one kept
        Assert.True(cache.TryGet(id, out _));

        cache.Shift(); // past 5 windows: forgotten
        Assert.False(cache.TryGet(id, out _));
        Assert.Equal(0, cache.Count);
        Assert.Equal(0, cache.Bytes);
    }

    [Fact]
    public void Gossip_ids_are_of_the_topic_asked_newest_window_first()
    {
        var cache = new MessageCache(historyLength: 5, gossipLength: 3, retransmissionLimit: 3);
        (MessageId older, Message olderMessage) = Entry(Blocks, "older");
        (MessageId newer, Message newerMessage) = Entry(Blocks, "newer");
        (MessageId other, Message otherMessage) = Entry(Msgs, "a message");
        cache.Put(older, olderMessage);
        cache.Shift();
        cache.Put(newer, newerMessage);
        cache.Put(other, otherMessage);

        Assert.Equal([newer, older], cache.GetGossipIds(Blocks));
        Assert.Equal([other], cache.GetGossipIds(Msgs));
        Assert.Empty(cache.GetGossipIds("/fil/blocks/calibrationnet"));
    }

    [Fact]
    public void A_peer_gets_a_message_through_iwant_at_most_the_retransmission_limit()
    {
        var cache = new MessageCache(historyLength: 5, gossipLength: 3, retransmissionLimit: 3);
        (MessageId id, Message message) = Entry(Blocks, "one");
        cache.Put(id, message);

        for (int i = 0; i < 3; i++)
        {
            Assert.Equal(CacheLookup.Found, cache.TryGetForPeer(id, Alice, out Message? sent));
            Assert.Same(message, sent);
        }

        Assert.Equal(CacheLookup.RetransmissionLimit, cache.TryGetForPeer(id, Alice, out Message? refused));
        Assert.Null(refused);
        Assert.Equal(CacheLookup.RetransmissionLimit, cache.TryGetForPeer(id, Alice, out _));
        Assert.Equal(CacheLookup.Found, cache.TryGetForPeer(id, Bob, out _));
        Assert.True(cache.TryGet(id, out _)); // looking without a peer counts nothing
    }

    [Fact]
    public void An_id_not_cached_is_not_found_for_any_peer()
    {
        var cache = new MessageCache(historyLength: 2, gossipLength: 1, retransmissionLimit: 3);
        (MessageId id, Message message) = Entry(Blocks, "one");
        cache.Put(id, message);
        cache.Shift();
        cache.Shift();

        Assert.Equal(CacheLookup.NotFound, cache.TryGetForPeer(id, Alice, out _));
        Assert.Equal(CacheLookup.NotFound, cache.TryGetForPeer(MessageIdentity.ForData("never"u8), Alice, out _));
    }

    [Fact]
    public void Past_the_byte_cap_messages_are_refused_until_old_ones_leave()
    {
        (MessageId first, Message firstMessage) = Entry(Blocks, new string('a', 100));
        (MessageId second, Message secondMessage) = Entry(Blocks, new string('b', 100));
        int size = firstMessage.CalculateSize();
        var cache = new MessageCache(historyLength: 1, gossipLength: 1, retransmissionLimit: 3, maxBytes: size + (size / 2));

        Assert.True(cache.Put(first, firstMessage));
        Assert.False(cache.Put(second, secondMessage));
        Assert.Equal(size, cache.Bytes);

        cache.Shift();
        Assert.True(cache.Put(second, secondMessage));
    }

    [Fact]
    public void Lengths_out_of_range_are_refused()
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => new MessageCache(historyLength: 3, gossipLength: 4, retransmissionLimit: 3));
        Assert.Throws<ArgumentOutOfRangeException>(() => new MessageCache(historyLength: 0, gossipLength: 0, retransmissionLimit: 3));
        Assert.Throws<ArgumentOutOfRangeException>(() => new MessageCache(historyLength: 3, gossipLength: 3, retransmissionLimit: 0));
    }

    private static (MessageId Id, Message Message) Entry(string topic, string data)
    {
        var message = new Message { Topic = topic, Data = ByteString.CopyFromUtf8(data) };
        return (MessageIdentity.Of(message), message);
    }
}
