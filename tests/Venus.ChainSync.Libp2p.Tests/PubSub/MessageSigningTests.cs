using System.Buffers.Binary;
using System.Security.Cryptography;
using Google.Protobuf;
using Microsoft.Extensions.Time.Testing;
using Venus.ChainSync.Libp2p.Protobuf;
using Venus.ChainSync.Libp2p.PubSub;
using Venus.ChainSync.Network;

namespace Venus.ChainSync.Libp2p.Tests.PubSub;

/// <summary>StrictSign: what our signer produces, and every way a received message is refused.</summary>
public sealed class MessageSigningTests : IDisposable
{
    private const string Topic = "/fil/blocks/testnetnet";

    private readonly Libp2pIdentity _identity = Libp2pIdentity.Generate();
    private readonly Libp2pIdentity _other = Libp2pIdentity.Generate();
    private readonly FakeTimeProvider _time = new(new DateTimeOffset(2024, 5, 1, 0, 0, 0, TimeSpan.Zero));

    public void Dispose()
    {
        _identity.Dispose();
        _other.Dispose();
    }

    [Fact]
    public void A_message_we_sign_verifies_and_names_our_peer_id_as_author()
    {
        Message message = Sign("a block"u8);

        SignatureCheck check = MessageSigning.Verify(message);

        Assert.Equal(SignatureStatus.Valid, check.Status);
        Assert.Equal(_identity.PeerId, check.Author);
        Assert.Equal(_identity.PeerId.Bytes.ToArray(), message.From.ToByteArray());
        Assert.Equal(Topic, message.Topic);
        Assert.Equal("a block"u8.ToArray(), message.Data.ToByteArray());
    }

    [Fact]
    public void An_ed25519_identity_inlines_its_key_so_no_key_field_is_sent()
    {
        Message message = Sign("x"u8);

        Assert.False(message.HasKey);
    }

    [Fact]
    public void Seqnos_are_8_bytes_big_endian_counting_up_from_the_clocks_unix_nanoseconds()
    {
        ulong start = (ulong)(_time.GetUtcNow() - DateTimeOffset.UnixEpoch).Ticks * 100;
        var signer = new MessageSigner(_identity, _time);

        Message first = signer.Sign(Topic, "1"u8);
        Message second = signer.Sign(Topic, "2"u8);

        Assert.Equal(8, first.Seqno.Length);
        Assert.Equal(start + 1, BinaryPrimitives.ReadUInt64BigEndian(first.Seqno.Span));
        Assert.Equal(start + 2, BinaryPrimitives.ReadUInt64BigEndian(second.Seqno.Span));
    }

    [Fact]
    public void The_signed_bytes_are_the_prefix_and_the_protobuf_without_signature_and_key()
    {
        Message message = Sign("payload"u8);
        message.Key = ByteString.CopyFrom(_identity.PublicKey.Span);
        Message stripped = message.Clone();
        stripped.ClearSignature();
        stripped.ClearKey();

        byte[] signed = new byte[MessageSigning.SignedLength(message)];
        int length = MessageSigning.WriteSignedBytes(message, signed);

        Assert.Equal(signed.Length, length);
        Assert.Equal([.. "libp2p-pubsub:"u8, .. stripped.ToByteArray()], signed);
    }

    [Fact]
    public void A_message_survives_the_wire_and_still_verifies()
    {
        Message message = Sign("over the wire"u8);

        Message received = Message.Parser.ParseFrom(message.ToByteArray());

        Assert.True(MessageSigning.Verify(received).IsValid);
    }

    [Fact]
    public void Tampered_data_is_rejected()
    {
        Message message = Sign("original"u8);
        message.Data = ByteString.CopyFromUtf8("forged");

        Assert.Equal(SignatureStatus.InvalidSignature, MessageSigning.Verify(message).Status);
    }

    [Fact]
    public void A_tampered_seqno_is_rejected()
    {
        Message message = Sign("x"u8);
        byte[] seqno = message.Seqno.ToByteArray();
        seqno[7] ^= 1;
        message.Seqno = ByteString.CopyFrom(seqno);

        Assert.Equal(SignatureStatus.InvalidSignature, MessageSigning.Verify(message).Status);
    }

    [Fact]
    public void A_tampered_topic_is_rejected()
    {
        Message message = Sign("x"u8);
        message.Topic = "/fil/msgs/testnetnet";

        Assert.Equal(SignatureStatus.InvalidSignature, MessageSigning.Verify(message).Status);
    }

    [Fact]
    public void Another_peer_as_from_is_rejected()
    {
        Message message = Sign("x"u8);
        message.From = ByteString.CopyFrom(_other.PeerId.Bytes);

        Assert.Equal(SignatureStatus.InvalidSignature, MessageSigning.Verify(message).Status);
    }

    [Fact]
    public void A_tampered_signature_is_rejected()
    {
        Message message = Sign("x"u8);
        byte[] signature = message.Signature.ToByteArray();
        signature[0] ^= 0x80;
        message.Signature = ByteString.CopyFrom(signature);

        Assert.Equal(SignatureStatus.InvalidSignature, MessageSigning.Verify(message).Status);
    }

    [Fact]
    public void Another_peers_signature_is_rejected()
    {
        Message message = Sign("x"u8);
        message.Signature = new MessageSigner(_other, _time).Sign(Topic, "x"u8).Signature;

        Assert.Equal(SignatureStatus.InvalidSignature, MessageSigning.Verify(message).Status);
    }

    [Fact]
    public void A_key_that_does_not_match_from_is_rejected_even_when_it_made_the_signature()
    {
        // Signed by the other key, which is attached, but from names us: go's "source ID doesn't match key".
        Message message = new MessageSigner(_other, _time).Sign(Topic, "x"u8);
        message.Key = ByteString.CopyFrom(_other.PublicKey.Span);
        message.From = ByteString.CopyFrom(_identity.PeerId.Bytes);

        Assert.Equal(SignatureStatus.KeyMismatch, MessageSigning.Verify(message).Status);
    }

    [Fact]
    public void An_attached_key_matching_from_is_accepted_as_js_libp2p_always_attaches_one()
    {
        Message message = Sign("x"u8);
        message.Key = ByteString.CopyFrom(_identity.PublicKey.Span);

        Assert.True(MessageSigning.Verify(message).IsValid);
    }

    [Fact]
    public void A_key_that_is_not_a_public_key_protobuf_is_rejected()
    {
        Message message = Sign("x"u8);
        message.Key = ByteString.CopyFrom(0x08, 0x01, 0x12, 0x03, 1, 2, 3);

        Assert.Equal(SignatureStatus.InvalidKey, MessageSigning.Verify(message).Status);
    }

    [Fact]
    public void Missing_fields_are_rejected_each_with_its_own_reason()
    {
        Message noFrom = Sign("x"u8);
        noFrom.ClearFrom();
        Message noSeqno = Sign("x"u8);
        noSeqno.ClearSeqno();
        Message noSignature = Sign("x"u8);
        noSignature.ClearSignature();

        Assert.Equal(SignatureStatus.MissingFrom, MessageSigning.Verify(noFrom).Status);
        Assert.Equal(SignatureStatus.MissingSeqno, MessageSigning.Verify(noSeqno).Status);
        Assert.Equal(SignatureStatus.MissingSignature, MessageSigning.Verify(noSignature).Status);
    }

    [Theory]
    [InlineData(7)]
    [InlineData(9)]
    [InlineData(0)]
    public void A_seqno_of_other_than_8_bytes_is_rejected(int length)
    {
        Message message = Sign("x"u8);
        message.Seqno = ByteString.CopyFrom(new byte[length]);

        Assert.Equal(SignatureStatus.InvalidSeqno, MessageSigning.Verify(message).Status);
    }

    [Theory]
    [InlineData("")] // present but empty
    [InlineData("00")] // identity code, no length
    [InlineData("0005010203")] // says 5 digest bytes, has 3
    [InlineData("1220aa")] // sha2-256 with 1 of 32 bytes
    public void A_from_that_is_not_a_peer_id_is_rejected(string hex)
    {
        Message message = Sign("x"u8);
        message.From = ByteString.CopyFrom(Convert.FromHexString(hex));

        Assert.Equal(hex.Length == 0 ? SignatureStatus.MissingFrom : SignatureStatus.InvalidFrom, MessageSigning.Verify(message).Status);
    }

    [Fact]
    public void A_hashed_peer_id_without_an_attached_key_is_rejected()
    {
        Message message = Sign("x"u8);
        message.From = ByteString.CopyFrom([0x12, 0x20, .. SHA256.HashData("some rsa key"u8)]);

        Assert.Equal(SignatureStatus.MissingKey, MessageSigning.Verify(message).Status);
    }

    [Fact]
    public void An_rsa_author_is_refused_as_a_key_type_this_host_does_not_verify()
    {
        using var rsa = RSA.Create(2048);
        byte[] encoded = KeyEncoding.Encode(KeyType.Rsa, rsa.ExportSubjectPublicKeyInfo());
        Message message = Sign("x"u8);
        message.From = ByteString.CopyFrom(PeerIdKeys.FromEncodedKey(encoded).Bytes);
        message.Key = ByteString.CopyFrom(encoded);

        Assert.Equal(SignatureStatus.UnsupportedKeyType, MessageSigning.Verify(message).Status);
    }

    [Fact]
    public void Random_corruption_of_a_signed_message_never_throws_and_verifies_only_when_the_signed_fields_survived()
    {
        Message message = Sign("a block of some length, long enough to be hit often"u8);
        message.Key = ByteString.CopyFrom(_identity.PublicKey.Span);
        byte[] wire = message.ToByteArray();
        var random = new Random(12);
        int parsed = 0;
        for (int i = 0; i < 2_000; i++)
        {
            byte[] corrupt = (byte[])wire.Clone();
            corrupt[random.Next(corrupt.Length)] ^= (byte)(1 << random.Next(8));
            Message received;
            try
            {
                received = ProtobufInput.Parse(Message.Parser, corrupt);
            }
            catch (InvalidProtocolBufferException)
            {
                continue;
            }

            parsed++;
            // A flipped bit in the key's tag makes it an unknown field, which is dropped: the signed fields are
            // intact and the key is inlined in from, so that message is still the author's.
            bool intact = received.From == message.From && received.Data == message.Data && received.Seqno == message.Seqno
                && received.Topic == message.Topic && received.Signature == message.Signature;
            Assert.True(!MessageSigning.Verify(received).IsValid || intact);
        }

        Assert.True(parsed > 1_000);
    }

    private Message Sign(ReadOnlySpan<byte> data) => new MessageSigner(_identity, _time).Sign(Topic, data);
}
