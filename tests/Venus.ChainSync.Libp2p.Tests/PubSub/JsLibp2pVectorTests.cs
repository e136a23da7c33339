using System.IO.Pipelines;
using Google.Protobuf;
using Microsoft.Extensions.Time.Testing;
using Venus.ChainSync.Libp2p.Protobuf;
using Venus.ChainSync.Libp2p.PubSub;
using Venus.ChainSync.Libp2p.Tests.Negotiation;
using Venus.ChainSync.Network;
using Venus.ChainSync.Primitives.Hashing;

namespace Venus.ChainSync.Libp2p.Tests.PubSub;

/// <summary>
/// Signed messages made by js-libp2p's gossipsub (@chainsafe/libp2p-gossipsub 14.1.2, its own
/// <c>buildRawMessage</c> under StrictSign, encoded by its <c>RPC</c> codec), and one made here that its
/// <c>validateToRawMessage</c> accepted. The script that made them is in the comment at the end of this file.
/// </summary>
public sealed class JsLibp2pVectorTests
{
    private const string Topic = "/fil/blocks/testnetnet";

    // Ed25519 key from the seed 01 02 … 20; js attaches the key even though the peer id inlines it.
    private const string JsEd25519PeerId = "12D3KooWJ1TsijH7H5F74hfAD5XishQz3sxrmAtVY37GtNd9CqYf";
    private const string JsEd25519Rpc =
        "12ca010a2600240801122079b5562e8fe654f94078b112e8a98ba7901f853ae695bed7e0e3910bad04966412166120626c6f636b2066726f"
        + "6d206a732d6c69627032701a080acea46007fe923922162f66696c2f626c6f636b732f746573746e65746e65742a409448aaf5ed7e4164"
        + "4ace4eb3935e225feb2c8f3b38e64e99d11487bb5e743699723559ca73080c86299edcf63f20a49fc148af96cd0b93b3605b52b150183"
        + "00c32240801122079b5562e8fe654f94078b112e8a98ba7901f853ae695bed7e0e3910bad049664";

    // Secp256k1 key 40 41 … 5f: a DER ECDSA signature over SHA-256.
    private const string JsSecp256k1PeerId = "16Uiu2HAmGLWuJVRHmRujWxuL9MXtFPvg5YVFDb3YrN9VURTxFHxa";
    private const string JsSecp256k1Message =
        "0a270025080212210336b341ece77e1fc4c270c6cedc987f8f3d217be3ad4922cbc64db8c40a77f73712166120626c6f636b2066726f6d"
        + "206a732d6c69627032701a089f58b8fc7fcc7daa22162f66696c2f626c6f636b732f746573746e65746e65742a46304402206154d9f90e"
        + "d040418930e1bc8b8ed7b22516a78ccbe6edf0c578204428d7ded4022027c7ca36410458221bec4b319b66ee6e76b2b1b2a92752ae8d8b"
        + "4252f3bbfdb13225080212210336b341ece77e1fc4c270c6cedc987f8f3d217be3ad4922cbc64db8c40a77f737";

    // The same Ed25519 key as ours: seed ‖ public key, as a libp2p PrivateKey protobuf.
    private const string SeedKey =
        "08011240" + "0102030405060708090a0b0c0d0e0f101112131415161718191a1b1c1d1e1f20"
        + "79b5562e8fe654f94078b112e8a98ba7901f853ae695bed7e0e3910bad049664";

    // What our signer makes of "a block from Venus.ChainSync" at 2024-05-01T00:00:00Z (Ed25519 signatures are
    // deterministic, the seqno comes from the clock); js-libp2p's validateToRawMessage(StrictSign) accepted it.
    private const string OurMessage =
        "0a2600240801122079b5562e8fe654f94078b112e8a98ba7901f853ae695bed7e0e3910bad049664121c6120626c6f636b2066726f6d2056"
        + "656e75732e436861696e53796e631a0817cb344fafbc000122162f66696c2f626c6f636b732f746573746e65746e65742a405a5a89d67130"
        + "1a2ae1bf55e05c7219c208369af241950df81efff6d7fdf6cc20058d068a2b6153239f5eba36eee9d69c611f9ab71a4a99f6f8bdec41853f"
        + "840f";

    [Fact]
    public async Task A_js_rpc_frames_parses_and_its_ed25519_message_verifies()
    {
        byte[] body = Convert.FromHexString(JsEd25519Rpc);
        var pipe = new Pipe();
        await PipeBytes.WriteAsync(pipe.Writer, [(byte)(0x80 | (body.Length & 0x7f)), (byte)(body.Length >> 7), .. body]);

        RPC? rpc = await RpcFraming.ReadAsync(pipe.Reader).AsTask().WaitAsync(PipeBytes.Guard);
        Message message = Assert.Single(rpc!.Publish);
        SignatureCheck check = MessageSigning.Verify(message);

        Assert.Equal(SignatureStatus.Valid, check.Status);
        Assert.Equal(JsEd25519PeerId, check.Author.ToString());
        Assert.True(message.HasKey);
        Assert.Equal(Topic, message.Topic);
        Assert.Equal("a block from js-libp2p", message.Data.ToStringUtf8());
    }

    [Fact]
    public void A_js_secp256k1_message_verifies()
    {
        Message message = ProtobufInput.Parse(Message.Parser, Convert.FromHexString(JsSecp256k1Message));

        SignatureCheck check = MessageSigning.Verify(message);

        Assert.Equal(SignatureStatus.Valid, check.Status);
        Assert.Equal(JsSecp256k1PeerId, check.Author.ToString());
    }

    [Fact]
    public void The_js_message_with_its_data_changed_is_rejected()
    {
        Message message = ProtobufInput.Parse(Message.Parser, Convert.FromHexString(JsSecp256k1Message));
        message.Data = ByteString.CopyFromUtf8("a block from js-libp2q");

        Assert.Equal(SignatureStatus.InvalidSignature, MessageSigning.Verify(message).Status);
    }

    [Fact]
    public void The_js_message_id_is_blake2b_256_of_its_data()
    {
        Message message = ProtobufInput.Parse(Message.Parser, Convert.FromHexString(JsSecp256k1Message));
        byte[] digest = new byte[32];
        Blake2b.Hash256("a block from js-libp2p"u8, digest);

        Assert.Equal(MessageId.FromBytes(digest), MessageIdentity.Of(message));
    }

    [Fact]
    public void Our_signer_makes_the_message_js_libp2p_accepted()
    {
        using Libp2pIdentity identity = Libp2pIdentity.FromPrivateKey(Convert.FromHexString(SeedKey));
        var time = new FakeTimeProvider(new DateTimeOffset(2024, 5, 1, 0, 0, 0, TimeSpan.Zero));

        Message message = new MessageSigner(identity, time).Sign(Topic, "a block from Venus.ChainSync"u8);

        Assert.Equal(JsEd25519PeerId, identity.PeerId.ToString());
        Assert.Equal(OurMessage, Convert.ToHexStringLower(message.ToByteArray()));
    }
}

// The script (Node 20, in a scratch folder with @chainsafe/libp2p-gossipsub@14.1.2, @libp2p/crypto@5 and
// @libp2p/peer-id@5 installed):
//
//   import { generateKeyPairFromSeed, privateKeyFromProtobuf } from '@libp2p/crypto/keys'
//   import { peerIdFromPrivateKey } from '@libp2p/peer-id'
//   import { StrictSign } from '@libp2p/interface'
//   import { buildRawMessage, validateToRawMessage } from './node_modules/@chainsafe/libp2p-gossipsub/dist/src/utils/buildRawMessage.js'
//   import { getPublishConfigFromPeerId } from './node_modules/@chainsafe/libp2p-gossipsub/dist/src/utils/publishConfig.js'
//   import { RPC } from './node_modules/@chainsafe/libp2p-gossipsub/dist/src/message/rpc.js'
//   const ed = await generateKeyPairFromSeed('Ed25519', Uint8Array.from({ length: 32 }, (_, i) => i + 1))
//   const secp = privateKeyFromProtobuf(Uint8Array.from([8, 2, 0x12, 0x20, ...Array.from({ length: 32 }, (_, i) => 0x40 + i)]))
//   for (const key of [ed, secp]) {
//     const config = getPublishConfigFromPeerId(StrictSign, peerIdFromPrivateKey(key), key)
//     const data = new TextEncoder().encode('a block from js-libp2p')
//     const { raw } = await buildRawMessage(config, '/fil/blocks/testnetnet', data, data)
//     console.log(Buffer.from(RPC.encode({ subscriptions: [], messages: [raw] })).toString('hex'),
//       Buffer.from(RPC.Message.encode(raw)).toString('hex'))
//   }
//   const ours = RPC.Message.decode(Buffer.from(process.argv[2], 'hex'))
//   console.log(await validateToRawMessage(StrictSign, ours)) // { valid: true, message: { type: 'signed', … } }
