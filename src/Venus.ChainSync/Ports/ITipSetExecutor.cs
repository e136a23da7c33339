using Venus.ChainSync.Primitives;

namespace Venus.ChainSync;

/// <summary>The host's state machine (the FVM in a real node): runs a tipset's messages on its parent's state.</summary>
/// <remarks>
/// <para><b>What the engine guarantees.</b> the tipset's blocks passed <see cref="IBlockValidator"/> and
/// their messages match their message roots; the parent state given is the state the parent tipset produced
/// (executed before, or stored with state), and every block's <c>ParentStateRoot</c> and <c>ParentMessageReceipts</c>
/// equal it. Calls for one chain come in height order; the engine does not call it concurrently for tipsets of the
/// same chain.</para>
/// <para><b>What it expects.</b> The roots the tipset produces; the engine compares them with the next tipset's
/// headers. An exception is a temporary failure (the tipset is not marked bad); a host that finds the tipset
/// itself invalid should throw <see cref="InvalidTipSetException"/>, which is permanent.</para>
/// </remarks>
public interface ITipSetExecutor
{
    /// <summary>Executes <paramref name="tipSet"/> on <paramref name="parentState"/> and returns what it produced.</summary>
    ValueTask<TipSetState> ExecuteAsync(FullTipSet tipSet, TipSetState parentState, CancellationToken cancellationToken);
}

/// <summary>Thrown by a host port to say a tipset is invalid for good (it will be cached as bad).</summary>
public sealed class InvalidTipSetException : Exception
{
    /// <summary>Creates the exception.</summary>
    public InvalidTipSetException()
        : base("the tipset is invalid")
    {
    }

    /// <summary>Creates the exception with the reason.</summary>
    public InvalidTipSetException(string message)
        : base(message)
    {
    }

    /// <summary>Creates the exception with the reason and its cause.</summary>
    public InvalidTipSetException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}
