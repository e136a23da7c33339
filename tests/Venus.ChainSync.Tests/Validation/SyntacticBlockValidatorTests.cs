using System.Numerics;
using Venus.ChainSync.Exchange;
using Venus.ChainSync.Primitives;
using Venus.ChainSync.Primitives.Storage;
using Venus.ChainSync.Testing;

namespace Venus.ChainSync.Tests.Validation;

public class SyntacticBlockValidatorTests
{
    private static readonly Address From = Address.NewSecp256k1(new byte[Address.PayloadHashLength]);

    private static (FullBlock Block, TipSet Parent) BuiltBlock(int bls = 2, int secp = 2)
    {
        var builder = new ChainBuilder(new MemoryBlockstore(), seed: 3);
        TipSet genesis = builder.Genesis();
        TipSet tipSet = builder.AddTipSet(genesis, blocks: 1, blsMessages: bls, secpMessages: secp);
        return (builder.GetFullTipSet(tipSet).Blocks[0], genesis);
    }

    private static BlockHeader Header(
        Address? miner = null,
        long height = 1,
        bool ticket = true,
        ElectionProof? election = null,
        bool noElection = false,
        bool blockSig = true,
        bool aggregate = true)
    {
        Cid root = Cid.ComputeDagCbor([0xf6]);
        return BlockHeader.Create(
            miner: miner ?? Address.NewId(1000),
            parents: TipSetKey.Create(root),
            height: height,
            parentStateRoot: root,
            parentMessageReceipts: root,
            messages: MessageRoot.Compute([], []).Cid,
            ticket: ticket ? new Ticket(new byte[96]) : null,
            electionProof: noElection ? null : election ?? new ElectionProof(1, new byte[96]),
            blsAggregate: aggregate ? new Signature(SignatureType.Bls, new byte[96]) : null,
            blockSig: blockSig ? new Signature(SignatureType.Bls, new byte[96]) : null);
    }

    private static BlockValidation Validate(BlockHeader header, IEnumerable<Message>? bls = null, IEnumerable<SignedMessage>? secp = null) =>
        SyntacticBlockValidator.Validate(new FullBlock(header, bls ?? [], secp ?? []));

    private static Message GoodMessage(ulong nonce = 0, long gasLimit = 1_000_000, BigInteger? value = null, BigInteger? feeCap = null, BigInteger? premium = null, Address? to = null, ulong version = 0) =>
        Message.Create(
            to: to ?? Address.NewId(100),
            from: From,
            nonce: nonce,
            value: new TokenAmount(value ?? 1),
            gasLimit: gasLimit,
            gasFeeCap: new TokenAmount(feeCap ?? 100),
            gasPremium: new TokenAmount(premium ?? 10),
            version: version);

    [Fact]
    public async Task A_built_block_with_messages_is_valid()
    {
        (FullBlock block, TipSet parent) = BuiltBlock();

        BlockValidation verdict = await SyntacticBlockValidator.Instance.ValidateAsync(block, parent, TestGuard.Token());

        Assert.True(verdict.IsValid, verdict.Reason);
    }

    [Fact]
    public void A_well_formed_header_without_messages_is_valid() =>
        Assert.True(Validate(Header()).IsValid);

    [Theory]
    [InlineData("ticket")]
    [InlineData("election")]
    [InlineData("blockSig")]
    [InlineData("aggregate")]
    [InlineData("miner")]
    [InlineData("winCount")]
    public void A_header_missing_what_lotus_requires_is_permanently_invalid(string what)
    {
        BlockHeader header = what switch
        {
            "ticket" => Header(ticket: false),
            "election" => Header(noElection: true),
            "blockSig" => Header(blockSig: false),
            "aggregate" => Header(aggregate: false),
            "miner" => Header(miner: Address.NewSecp256k1(new byte[Address.PayloadHashLength])),
            "winCount" => Header(election: new ElectionProof(0, new byte[96])),
            _ => throw new ArgumentOutOfRangeException(nameof(what)),
        };

        BlockValidation verdict = Validate(header);

        Assert.False(verdict.IsValid);
        Assert.True(verdict.IsPermanent);
        Assert.NotEmpty(verdict.Reason);
    }

    [Fact]
    public void A_zero_win_count_is_allowed_at_genesis() =>
        Assert.True(Validate(Header(height: 0, election: new ElectionProof(0, new byte[96]))).IsValid);

    public static TheoryData<string> BadMessages => ["version", "zeroTo", "negativeValue", "aboveSupply", "negativeFeeCap", "negativePremium", "premiumAboveCap", "gasAboveBlock", "zeroGas", "negativeGas"];

    [Theory]
    [MemberData(nameof(BadMessages))]
    public void A_message_lotus_would_not_include_makes_the_block_invalid(string what)
    {
        Message bad = what switch
        {
            "version" => GoodMessage(version: 1),
            "zeroTo" => GoodMessage(to: SyntacticBlockValidator.ZeroAddress),
            "negativeValue" => GoodMessage(value: -1),
            "aboveSupply" => GoodMessage(value: SyntacticBlockValidator.TotalFilecoinAttoFil + 1),
            "negativeFeeCap" => GoodMessage(feeCap: -1, premium: -2),
            "negativePremium" => GoodMessage(premium: -1),
            "premiumAboveCap" => GoodMessage(feeCap: 10, premium: 11),
            "gasAboveBlock" => GoodMessage(gasLimit: SyntacticBlockValidator.BlockGasLimit + 1),
            "zeroGas" => GoodMessage(gasLimit: 0),
            "negativeGas" => GoodMessage(gasLimit: -5),
            _ => throw new ArgumentOutOfRangeException(nameof(what)),
        };

        BlockValidation asBls = Validate(Header(), bls: [GoodMessage(nonce: 9), bad]);
        BlockValidation asSecp = Validate(Header(), secp: [SignedMessage.Create(bad, new Signature(SignatureType.Secp256k1, new byte[65]))]);

        Assert.False(asBls.IsValid);
        Assert.True(asBls.IsPermanent);
        Assert.Contains(bad.Cid.ToString(), asBls.Reason, StringComparison.Ordinal);
        Assert.False(asSecp.IsValid);
        Assert.True(asSecp.IsPermanent);
    }

    [Fact]
    public void Edge_values_lotus_accepts_are_valid()
    {
        Message edges = GoodMessage(value: SyntacticBlockValidator.TotalFilecoinAttoFil, feeCap: 5, premium: 5, gasLimit: SyntacticBlockValidator.BlockGasLimit);

        Assert.True(Validate(Header(), bls: [edges]).IsValid);
        Assert.True(Validate(Header(), bls: [GoodMessage(value: 0, feeCap: 0, premium: 0)]).IsValid);
    }

    [Fact]
    public void Gas_limits_summing_above_the_block_limit_are_invalid()
    {
        long half = (SyntacticBlockValidator.BlockGasLimit / 2) + 1;
        Message a = GoodMessage(nonce: 1, gasLimit: half);
        Message b = GoodMessage(nonce: 2, gasLimit: half);

        BlockValidation verdict = Validate(Header(), bls: [a], secp: [SignedMessage.Create(b, new Signature(SignatureType.Secp256k1, new byte[65]))]);

        Assert.False(verdict.IsValid);
        Assert.True(verdict.IsPermanent);
        Assert.True(Validate(Header(), bls: [GoodMessage(nonce: 1, gasLimit: half - 1), GoodMessage(nonce: 2, gasLimit: half - 1)]).IsValid);
    }

    [Fact]
    public void A_secp_message_signed_with_bls_is_invalid_and_delegated_is_valid()
    {
        Message message = GoodMessage();

        BlockValidation bls = Validate(Header(), secp: [SignedMessage.Create(message, new Signature(SignatureType.Bls, new byte[96]))]);
        BlockValidation delegated = Validate(Header(), secp: [SignedMessage.Create(message, new Signature(SignatureType.Delegated, new byte[65]))]);

        Assert.False(bls.IsValid);
        Assert.True(bls.IsPermanent);
        Assert.True(delegated.IsValid, delegated.Reason);
    }

    [Fact]
    public void More_messages_than_the_block_limit_are_invalid()
    {
        Message[] messages = [.. Enumerable.Range(0, ExchangeProtocol.BlockMessageLimit + 1).Select(i => GoodMessage(nonce: (ulong)i, gasLimit: 1))];

        BlockValidation verdict = Validate(Header(), bls: messages);

        Assert.False(verdict.IsValid);
        Assert.True(verdict.IsPermanent);
        Assert.True(Validate(Header(), bls: messages[..ExchangeProtocol.BlockMessageLimit]).IsValid);
    }

    [Fact]
    public void The_zero_address_is_lotus_zero_address()
    {
        Assert.Equal(AddressProtocol.Bls, SyntacticBlockValidator.ZeroAddress.Protocol);
        Assert.Equal(0xc0, SyntacticBlockValidator.ZeroAddress.Payload[0]);
        Assert.All(SyntacticBlockValidator.ZeroAddress.Payload[1..].ToArray(), b => Assert.Equal(0, b));
    }
}
