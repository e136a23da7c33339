using System.IO.Pipelines;

namespace Venus.ChainSync.Libp2p.Negotiation;

/// <summary>
/// The stream <see cref="MultistreamSelect.SelectLazily"/> returns: its output is the stream's own (the proposal is
/// already buffered there), its input checks the listener's header and echo before the first read returns data.
/// </summary>
internal sealed class LazySelectedPipe : IDuplexPipe
{
    /// <summary>Wraps <paramref name="inner"/>, whose output already holds the header and the proposal.</summary>
    public LazySelectedPipe(IDuplexPipe inner, string protocol)
    {
        Output = inner.Output;
        Input = new CheckingReader(inner, protocol);
    }

    /// <inheritdoc/>
    public PipeReader Input { get; }

    /// <inheritdoc/>
    public PipeWriter Output { get; }

    /// <summary>
    /// Reads through to the stream once the two answers are checked. The check runs once; its failure is kept and
    /// thrown by every later read, as the stream cannot be used after it.
    /// </summary>
    private sealed class CheckingReader(IDuplexPipe inner, string protocol) : PipeReader
    {
        private Task? _check;

        public override async ValueTask<ReadResult> ReadAsync(CancellationToken cancellationToken = default)
        {
            // One reader at a time, as for any PipeReader, so no lock. Later reads await the same check: a check
            // cancelled half way leaves the stream at an unknown point of the negotiation, so it stays cancelled.
            _check ??= CheckAsync(cancellationToken);
            await _check.ConfigureAwait(false);
            return await inner.Input.ReadAsync(cancellationToken).ConfigureAwait(false);
        }

        public override bool TryRead(out ReadResult result)
        {
            if (_check is not { IsCompletedSuccessfully: true })
            {
                result = default;
                return false;
            }

            return inner.Input.TryRead(out result);
        }

        public override void AdvanceTo(SequencePosition consumed) => inner.Input.AdvanceTo(consumed);

        public override void AdvanceTo(SequencePosition consumed, SequencePosition examined) =>
            inner.Input.AdvanceTo(consumed, examined);

        public override void CancelPendingRead() => inner.Input.CancelPendingRead();

        public override void Complete(Exception? exception = null) => inner.Input.Complete(exception);

        private async Task CheckAsync(CancellationToken ct)
        {
            // No flush here: the caller flushed the proposal before handing the stream over (see SelectLazily), so
            // reads and writes may run concurrently, each direction with one owner.
            await MultistreamSelect.ReadHeaderAsync(inner.Input, ct).ConfigureAwait(false);
            string answer = await MultistreamSelect.ReadRequiredAsync(inner.Input, ct).ConfigureAwait(false);
            if (answer == "na")
            {
                throw new ProtocolNotSupportedException([protocol]);
            }

            if (answer != protocol)
            {
                throw new Libp2pProtocolException(
                    MultistreamSelect.ProtocolId, $"the listener answered '{MultistreamSelect.Shorten(answer)}' to a proposal of '{protocol}'");
            }
        }
    }
}
