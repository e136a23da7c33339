using System.IO.Pipelines;

namespace Venus.ChainSync.Libp2p.Negotiation;

/// <summary>
/// multistream-select 1.0 (multiformats/multistream-select, libp2p/specs connections/README.md): how the two ends of
/// a fresh connection or stream agree on the protocol they speak next. Both send the <see cref="ProtocolId"/> header;
/// the dialler proposes protocol ids one at a time; the listener echoes the one it takes or answers <c>na</c>.
/// </summary>
/// <remarks>
/// Every read takes exactly the messages of the negotiation from the <see cref="PipeReader"/> and leaves what
/// follows (the first bytes of the chosen protocol, which a pipelining peer sends at once) for the next layer.
/// Nothing here completes or closes the pipe: on any failure the caller resets the stream.
/// </remarks>
internal static class MultistreamSelect
{
    /// <summary>The header both ends send first.</summary>
    public const string ProtocolId = "/multistream/1.0.0";

    /// <summary>Most messages a listener answers before giving up on a dialler. go-multistream sets no cap (only
    /// go-libp2p's negotiation timeout bounds it); a real dialler proposes a handful (a few versions of one
    /// protocol, or the security and muxer lists of an upgrade), and every refusal costs us a write, so 64 leaves
    /// room for any honest list while a hostile one gets a bounded amount of work per stream.</summary>
    public const int MaxProposals = 64;

    private const string NotAvailable = "na";
    private const string List = "ls";

    /// <summary>
    /// Dials: sends the header with the first proposal in one write (as go-multistream's <c>SelectOneOf</c> does),
    /// then proposes each protocol in order until one is echoed.
    /// </summary>
    /// <returns>The protocol the listener accepted.</returns>
    /// <exception cref="ProtocolNotSupportedException">The listener refused every protocol.</exception>
    /// <exception cref="Libp2pProtocolException">A wrong header, an unexpected answer, bad framing, the stream
    /// ending, or no answer within <paramref name="timeout"/>.</exception>
    public static async ValueTask<string> SelectAsync(
        IDuplexPipe pipe, IReadOnlyList<string> protocols, TimeProvider time, TimeSpan timeout, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(pipe);
        ArgumentNullException.ThrowIfNull(time);
        CheckProposals(protocols);
        using var deadline = new CancellationTokenSource(timeout, time);
        using var linked = CancellationTokenSource.CreateLinkedTokenSource(ct, deadline.Token);
        try
        {
            MultistreamMessage.Write(pipe.Output, ProtocolId);
            for (int i = 0; i < protocols.Count; i++)
            {
                MultistreamMessage.Write(pipe.Output, protocols[i]);
                await pipe.Output.FlushAsync(linked.Token).ConfigureAwait(false);
                if (i == 0)
                {
                    await ReadHeaderAsync(pipe.Input, linked.Token).ConfigureAwait(false);
                }

                string answer = await ReadRequiredAsync(pipe.Input, linked.Token).ConfigureAwait(false);
                if (answer == protocols[i])
                {
                    return answer;
                }

                if (answer != NotAvailable)
                {
                    throw new Libp2pProtocolException(ProtocolId, $"the listener answered '{Shorten(answer)}' to a proposal of '{protocols[i]}'");
                }
            }

            throw new ProtocolNotSupportedException(protocols);
        }
        catch (OperationCanceledException) when (deadline.IsCancellationRequested && !ct.IsCancellationRequested)
        {
            throw new Libp2pProtocolException(ProtocolId, $"no agreement within {timeout}");
        }
    }

    /// <summary>
    /// Selects <paramref name="protocol"/> optimistically, without a round trip: the header and the proposal are
    /// written into <paramref name="pipe"/>'s output now, to leave with the caller's first data (go-libp2p's
    /// <c>NewStream</c> does this, through go-multistream's <c>NewMSSelect</c>, when the peerstore says the peer
    /// speaks the protocol), and the returned pipe's input checks the listener's two answers before its first read.
    /// </summary>
    /// <remarks>
    /// Only for a single protocol the peer is known to support (identify told us): on <c>na</c> the listener waits
    /// for another proposal while our data is already on its way, and will take that data as a malformed proposal,
    /// so the stream is lost; it must be reset. The header and proposal are only buffered: the caller flushes the
    /// output before handing the stream on (the host does), so that a user that only reads still sends its
    /// proposal, and reading and writing may then run concurrently. go also reads the answers before closing a lazy stream, so that a QUIC STOP_SENDING does not reach the
    /// listener before its echo; on a yamux stream completing the input sends nothing, so that is not needed here.
    /// </remarks>
    /// <returns>The stream to speak <paramref name="protocol"/> on; its input throws
    /// <see cref="ProtocolNotSupportedException"/> on <c>na</c> and <see cref="Libp2pProtocolException"/> on a bad
    /// answer, at the first read and every one after.</returns>
    public static IDuplexPipe SelectLazily(IDuplexPipe pipe, string protocol)
    {
        ArgumentNullException.ThrowIfNull(pipe);
        CheckProposals([protocol]);
        MultistreamMessage.Write(pipe.Output, ProtocolId);
        MultistreamMessage.Write(pipe.Output, protocol);
        return new LazySelectedPipe(pipe, protocol);
    }

    /// <summary>
    /// Listens: sends the header at once, then answers proposals (<c>na</c> to the unsupported, the list to
    /// <c>ls</c>) until one is supported, which it echoes.
    /// </summary>
    /// <param name="pipe">The fresh connection or stream.</param>
    /// <param name="isSupported">Whether a proposed protocol id has a handler.</param>
    /// <param name="listProtocols">The protocols to list for <c>ls</c>.</param>
    /// <param name="time">The clock for the timeout.</param>
    /// <param name="timeout">The whole negotiation must finish within this.</param>
    /// <param name="ct">Cancels the negotiation.</param>
    /// <returns>The protocol chosen, or null when the dialler closed its side without choosing.</returns>
    /// <exception cref="Libp2pProtocolException">A wrong or missing header, bad framing, more than
    /// <see cref="MaxProposals"/> messages, or no choice within <paramref name="timeout"/>.</exception>
    public static async ValueTask<string?> ListenAsync(
        IDuplexPipe pipe,
        Func<string, bool> isSupported,
        Func<IReadOnlyCollection<string>> listProtocols,
        TimeProvider time,
        TimeSpan timeout,
        CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(pipe);
        ArgumentNullException.ThrowIfNull(isSupported);
        ArgumentNullException.ThrowIfNull(listProtocols);
        ArgumentNullException.ThrowIfNull(time);
        using var deadline = new CancellationTokenSource(timeout, time);
        using var linked = CancellationTokenSource.CreateLinkedTokenSource(ct, deadline.Token);
        try
        {
            // Sent before reading anything, as the spec allows and go does: a pipelining dialler's proposal may
            // already be waiting, and the header must not wait on it.
            MultistreamMessage.Write(pipe.Output, ProtocolId);
            await pipe.Output.FlushAsync(linked.Token).ConfigureAwait(false);
            string? header = await MultistreamMessage.ReadAsync(pipe.Input, linked.Token).ConfigureAwait(false);
            if (header is null)
            {
                return null;
            }

            CheckHeader(header);
            for (int i = 0; i < MaxProposals; i++)
            {
                string? proposal = await MultistreamMessage.ReadAsync(pipe.Input, linked.Token).ConfigureAwait(false);
                if (proposal is null)
                {
                    return null;
                }

                if (proposal == List)
                {
                    WriteList(pipe.Output, listProtocols());
                }
                else if (proposal != NotAvailable && isSupported(proposal))
                {
                    MultistreamMessage.Write(pipe.Output, proposal);
                    await pipe.Output.FlushAsync(linked.Token).ConfigureAwait(false);
                    return proposal;
                }
                else
                {
                    MultistreamMessage.Write(pipe.Output, NotAvailable);
                }

                await pipe.Output.FlushAsync(linked.Token).ConfigureAwait(false);
            }

            throw new Libp2pProtocolException(ProtocolId, $"no agreement after {MaxProposals} proposals");
        }
        catch (OperationCanceledException) when (deadline.IsCancellationRequested && !ct.IsCancellationRequested)
        {
            throw new Libp2pProtocolException(ProtocolId, $"no agreement within {timeout}");
        }
    }

    /// <summary>Reads the peer's header and checks its version.</summary>
    internal static async ValueTask ReadHeaderAsync(PipeReader input, CancellationToken ct) =>
        CheckHeader(await ReadRequiredAsync(input, ct).ConfigureAwait(false));

    /// <summary>Reads a message that must come: the end of the stream here is a violation.</summary>
    internal static async ValueTask<string> ReadRequiredAsync(PipeReader input, CancellationToken ct) =>
        await MultistreamMessage.ReadAsync(input, ct).ConfigureAwait(false)
        ?? throw new Libp2pProtocolException(ProtocolId, "the stream ended during negotiation");

    /// <summary>Shortens peer text quoted in an exception message.</summary>
    internal static string Shorten(string text) => text.Length <= 64 ? text : string.Concat(text.AsSpan(0, 64), "…");

    private static void CheckHeader(string header)
    {
        if (header != ProtocolId)
        {
            throw new Libp2pProtocolException(ProtocolId, $"expected the header '{ProtocolId}', got '{Shorten(header)}'");
        }
    }

    /// <summary>
    /// Writes the <c>ls</c> answer as go-multistream wrote it (<c>Ls</c>, removed in 2021 by "remove unused ls
    /// command", ec4e518; current go answers <c>ls</c> with <c>na</c>): one message whose body is the protocols, each
    /// framed as a message of its own. The README's "count, then lines" layout matches no implementation. The list
    /// is cut where the outer message would pass go's 1024-byte cap, since a longer one could not be read.
    /// </summary>
    private static void WriteList(PipeWriter output, IReadOnlyCollection<string> protocols)
    {
        byte[] buffer = new byte[MultistreamMessage.MaxLength - 1];
        int used = 0;
        foreach (string protocol in protocols)
        {
            if (!MultistreamMessage.Fits(protocol) || used + MultistreamMessage.SizeOf(protocol) > buffer.Length)
            {
                continue;
            }

            used += MultistreamMessage.Encode(protocol, buffer.AsSpan(used));
        }

        MultistreamMessage.WriteRaw(output, buffer.AsSpan(0, used));
    }

    private static void CheckProposals(IReadOnlyList<string> protocols)
    {
        ArgumentNullException.ThrowIfNull(protocols);
        if (protocols.Count == 0)
        {
            throw new ArgumentException("Propose at least one protocol.", nameof(protocols));
        }

        foreach (string protocol in protocols)
        {
            if (string.IsNullOrEmpty(protocol) || protocol is NotAvailable or List || protocol.Contains('\n', StringComparison.Ordinal)
                || !MultistreamMessage.Fits(protocol))
            {
                throw new ArgumentException($"'{Shorten(protocol ?? "")}' cannot be proposed.", nameof(protocols));
            }
        }
    }
}
