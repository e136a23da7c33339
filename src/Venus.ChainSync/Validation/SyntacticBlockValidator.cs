using System.Numerics;
using Venus.ChainSync.Exchange;
using Venus.ChainSync.Primitives;

namespace Venus.ChainSync;

/// <summary>
/// The default <see cref="IBlockValidator"/>: the checks Lotus makes on a block that need neither cryptography nor
/// state. It is not consensus: a node that ships only this accepts any block that is well-formed.
/// </summary>
/// <remarks>
/// <para><b>What it refuses</b> (every failure is permanent; each is a case Lotus refuses too):</para>
/// <list type="bullet">
/// <item>a header without a ticket, an election proof, a block signature or a BLS aggregate, or whose miner is not
/// an ID address (Lotus <c>blockSanityChecks</c>, <c>chain/consensus/filcns/filecoin.go</c>);</item>
/// <item>above genesis, an election proof with a win count below 1 (Lotus's winner check: "block is not claiming to
/// be a winner");</item>
/// <item>more than <see cref="ExchangeProtocol.BlockMessageLimit"/> messages (Lotus <c>BlockMessageLimit</c>);</item>
/// <item>a secp message whose signature is neither secp256k1 nor delegated (Lotus <c>IsValidSecpkSigType</c> since
/// network version 18);</item>
/// <item>a message that fails the state-free part of Lotus's <c>Message.ValidForBlockInclusion</c>
/// (<c>chain/types/message.go</c>): version not 0; <c>To</c> or <c>From</c> undefined; <c>To</c> the zero address;
/// value negative or above the total supply (<see cref="TotalFilecoinAttoFil"/>); fee cap or premium negative; premium
/// above fee cap; gas limit above <see cref="BlockGasLimit"/>, or not positive;</item>
/// <item>gas limits summing above <see cref="BlockGasLimit"/> (Lotus <c>checkBlockMessages</c>: "block gas limit
/// exceeded").</item>
/// </list>
/// <para><b>What it does not check</b>, and a real host's validator must: the block signature, the BLS aggregate and
/// the secp message signatures; the ticket and election VRFs; the winning PoSt; beacon entries; that the miner has
/// power and won; base fee, parent weight and state roots; message nonces and balances; the minimum gas of a message
/// (Lotus's gas-limit floor is the on-chain storage price, which depends on the price list of the network version, so
/// only a gas limit of zero or less is refused here); timestamps (the engine checks them).</para>
/// <para>Stateless and thread-safe; completes synchronously.</para>
/// </remarks>
public sealed class SyntacticBlockValidator : IBlockValidator
{
    /// <summary>Most gas the messages of one block may ask for: Lotus's <c>BlockGasLimit</c>, 10 000 000 000.</summary>
    public const long BlockGasLimit = 10_000_000_000;

    /// <summary>
    /// The total supply in attoFIL, above which no message value may go: Lotus's <c>TotalFilecoinInt</c>,
    /// <c>FilBase</c> (2 000 000 000 FIL) × 10^18.
    /// </summary>
    public static readonly BigInteger TotalFilecoinAttoFil = 2_000_000_000 * TokenAmount.AttoFilPerFil;

    /// <summary>
    /// The address no message may be sent to: Lotus's <c>ZeroAddress</c> (refused since network version 7), the BLS
    /// address of the all-zero compressed key.
    /// </summary>
    public static readonly Address ZeroAddress = Address.Parse("f3yaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaby2smx7a");

    /// <summary>The validator (it holds no state, so one instance serves everyone).</summary>
    public static SyntacticBlockValidator Instance { get; } = new();

    /// <inheritdoc/>
    public ValueTask<BlockValidation> ValidateAsync(FullBlock block, TipSet parent, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(block);
        ArgumentNullException.ThrowIfNull(parent);
        return ValueTask.FromResult(Validate(block));
    }

    /// <summary>The same checks as <see cref="ValidateAsync"/>, synchronously.</summary>
    public static BlockValidation Validate(FullBlock block)
    {
        ArgumentNullException.ThrowIfNull(block);
        string? failure = CheckHeader(block.Header) ?? CheckMessages(block);
        return failure is null ? BlockValidation.Valid : BlockValidation.Permanent(failure);
    }

    private static string? CheckHeader(BlockHeader header)
    {
        if (header.ElectionProof is not { } election)
        {
            return "block cannot have nil election proof";
        }

        if (header.Ticket is null)
        {
            return "block cannot have nil ticket";
        }

        if (header.BlockSig is null)
        {
            return "block had nil signature";
        }

        if (header.BlsAggregate is null)
        {
            return "block had nil bls aggregate signature";
        }

        if (header.Miner.Protocol != AddressProtocol.Id)
        {
            return "block had non-ID miner address";
        }

        if (header.Height > 0 && election.WinCount < 1)
        {
            return "block is not claiming to be a winner";
        }

        return null;
    }

    private static string? CheckMessages(FullBlock block)
    {
        int count = block.BlsMessages.Length + block.SecpkMessages.Length;
        if (count > ExchangeProtocol.BlockMessageLimit)
        {
            return $"block has too many messages ({count} > {ExchangeProtocol.BlockMessageLimit})";
        }

        // Lotus sums BLS messages first, then secp ones; the order only matters for which message the error names.
        long gas = 0;
        foreach (Message message in block.BlsMessages)
        {
            if (CheckMessage(message, ref gas) is { } failure)
            {
                return $"message {message.Cid} invalid for block inclusion: {failure}";
            }
        }

        for (int i = 0; i < block.SecpkMessages.Length; i++)
        {
            SignedMessage signed = block.SecpkMessages[i];
            if (signed.Signature.Type is not (SignatureType.Secp256k1 or SignatureType.Delegated))
            {
                return $"block had invalid signed message at index {i}: signature type {signed.Signature.Type}";
            }

            if (CheckMessage(signed.Message, ref gas) is { } failure)
            {
                return $"message {signed.Cid} invalid for block inclusion: {failure}";
            }
        }

        return null;
    }

    private static string? CheckMessage(Message message, ref long gas)
    {
        string? failure = CheckFields(message);
        if (failure is not null)
        {
            return failure;
        }

        // Each gas limit is at most BlockGasLimit (checked above), so the running sum cannot overflow before it is refused.
        gas += message.GasLimit;
        return gas > BlockGasLimit ? "block gas limit exceeded" : null;
    }

    private static string? CheckFields(Message message)
    {
        if (message.Version != 0)
        {
            return "'Version' unsupported";
        }

        if (!message.To.IsDefined)
        {
            return "'To' address cannot be empty";
        }

        if (message.To == ZeroAddress)
        {
            return "invalid 'To' address";
        }

        if (!message.From.IsDefined)
        {
            return "'From' address cannot be empty";
        }

        if (message.Value.AttoFil.Sign < 0)
        {
            return "'Value' field cannot be negative";
        }

        if (message.Value.AttoFil > TotalFilecoinAttoFil)
        {
            return "'Value' field cannot be greater than total filecoin supply";
        }

        if (message.GasFeeCap.AttoFil.Sign < 0)
        {
            return "'GasFeeCap' field cannot be negative";
        }

        if (message.GasPremium.AttoFil.Sign < 0)
        {
            return "'GasPremium' field cannot be negative";
        }

        if (message.GasPremium > message.GasFeeCap)
        {
            return "'GasFeeCap' less than 'GasPremium'";
        }

        if (message.GasLimit > BlockGasLimit)
        {
            return "'GasLimit' field cannot be greater than a block's gas limit";
        }

        if (message.GasLimit <= 0)
        {
            return "'GasLimit' field cannot be less than the cost of storing a message on chain";
        }

        return null;
    }
}
