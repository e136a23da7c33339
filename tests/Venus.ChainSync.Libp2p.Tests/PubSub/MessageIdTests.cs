using Google.Protobuf;
using Venus.ChainSync.Libp2p.Protobuf;
using Venus.ChainSync.Libp2p.PubSub;

namespace Venus.ChainSync.Libp2p.Tests.PubSub;

/// <summary>Message ids: Filecoin's function, and the value type's bytes, equality and hashing.</summary>
public sealed class MessageIdTests
{
    [Fact]
    public void The_id_is_blake2b_256_of_the_data_only()
    {
        // RFC 7693 appendix A gives BLAKE2b-512 of "abc"; this is the 256-bit digest (b2sum -l 256).
        const string Abc = "bddd813c634239723171ef3fee98579b94964e3bb1cb3e427262c8c068d52319";
        var one = new Message { Data = ByteString.CopyFromUtf8("abc"), From = ByteString.CopyFrom(1), Seqno = ByteString.CopyFrom(new byte[8]) };
        var other = new Message { Data = ByteString.CopyFromUtf8("abc"), From = ByteString.CopyFrom(2), Topic = "/fil/msgs/testnetnet" };

        Assert.Equal(Abc, MessageIdentity.ForData("abc"u8).ToString());
        Assert.Equal(MessageIdentity.Of(one), MessageIdentity.Of(other));
    }

    [Fact]
    public void A_message_without_data_has_the_id_of_empty_data()
    {
        Assert.Equal(MessageIdentity.ForData([]), MessageIdentity.Of(new Message()));
    }

    [Fact]
    public void Bytes_round_trip_and_other_lengths_are_refused()
    {
        byte[] bytes = [.. Enumerable.Range(0, 32).Select(i => (byte)(i * 7))];

        MessageId id = MessageId.FromBytes(bytes);

        Assert.Equal(bytes, id.ToArray());
        Assert.False(MessageId.TryFromBytes(bytes.AsSpan(1), out _));
        Assert.False(MessageId.TryFromBytes([.. bytes, 0], out _));
        Assert.False(MessageId.TryFromBytes([], out _));
        Assert.Throws<ArgumentException>(() => MessageId.FromBytes(new byte[31]));
    }

    [Fact]
    public void Ids_are_equal_by_value_and_work_as_dictionary_keys()
    {
        MessageId a = MessageIdentity.ForData("a"u8);
        MessageId alsoA = MessageId.FromBytes(a.ToArray());
        MessageId b = MessageIdentity.ForData("b"u8);
        var set = new HashSet<MessageId> { a };

        Assert.Equal(a, alsoA);
        Assert.True(a == alsoA);
        Assert.True(a != b);
        Assert.Contains(alsoA, set);
        Assert.DoesNotContain(b, set);
        Assert.Equal(a.GetHashCode(), alsoA.GetHashCode());
    }

    [Theory]
    [InlineData(8)]
    [InlineData(20)]
    [InlineData(31)]
    public void Every_byte_counts_in_the_hash_code(int position)
    {
        // Peers choose the ids of IHAVE and IWANT: ids equal in their first eight bytes must not share a hash code.
        byte[] bytes = new byte[32];
        MessageId zero = MessageId.FromBytes(bytes);
        bytes[position] = 1;

        Assert.NotEqual(zero.GetHashCode(), MessageId.FromBytes(bytes).GetHashCode());
    }

    [Fact]
    public void Words_whose_halves_fold_to_the_same_value_do_not_share_a_hash_code()
    {
        // ulong.GetHashCode is lo ^ hi, so these two would collide if the words were hashed as ulongs.
        byte[] first = new byte[32];
        byte[] second = new byte[32];
        first[0] = 1;
        first[4] = 1;

        Assert.NotEqual(MessageId.FromBytes(first).GetHashCode(), MessageId.FromBytes(second).GetHashCode());
    }
}
