using System.Diagnostics;
using Venus.ChainSync.Diagnostics;
using Venus.ChainSync.Network;
using Venus.ChainSync.Primitives;
using Venus.ChainSync.Primitives.Cbor;

namespace Venus.ChainSync.Exchange;

/// <summary>One request to one peer: the only place the client touches a stream.</summary>
public sealed partial class ChainExchangeClient
{
    private const string ActivityName = "exchange.request";

    /// <summary>
    /// Opens a stream, writes the request, reads, decodes and validates the response, then records the outcome in
    /// the tracker, the log and the metrics. Returns the outcome; throws only when the caller cancels.
    /// </summary>
    private async Task<ResponseValidation> AttemptAsync(
        PeerId peer,
        ExchangeRequest request,
        byte[] encodedRequest,
        IReadOnlyList<TipSet>? knownTipSets,
        CancellationToken cancellationToken)
    {
        using Activity? activity = ChainSyncDiagnostics.ActivitySource.StartActivity(ActivityName, ActivityKind.Client);
        if (activity is not null)
        {
            activity.SetTag("peer.id", peer.ToString());
            activity.SetTag("exchange.length", (long)request.Length);
            activity.SetTag("exchange.options", (long)request.Options);
        }

        ClientLog.Requesting(_logger, peer, request.Length, request.Options, request.Head);
        long started = _time.GetTimestamp();
        (byte[]? bytes, ResponseValidation? transportFailure) = await ExchangeAsync(peer, encodedRequest, cancellationToken).ConfigureAwait(false);

        ResponseValidation result;
        string statusTag;
        if (bytes is null)
        {
            result = transportFailure!;
            statusTag = OutcomeTag(result.Outcome);
        }
        else
        {
            (result, statusTag) = Interpret(request, bytes, knownTipSets);
        }

        TimeSpan elapsed = _time.GetElapsedTime(started);
        if (result.IsValid)
        {
            Tracker.RecordSuccess(peer, elapsed, result.Segment.Count);
            ClientLog.Answered(_logger, peer, result.Segment.Count, result.Segment.Status, elapsed.TotalMilliseconds);
        }
        else
        {
            Tracker.RecordFailure(peer, result.Outcome);
            ClientLog.PeerFailed(_logger, peer, request.Length, result.Outcome, result.Reason);
        }

        _metrics?.RequestFinished(Direction, statusTag, elapsed, bytes?.Length ?? 0);
        if (activity is not null)
        {
            activity.SetTag("exchange.outcome", statusTag);
            activity.SetStatus(result.IsValid ? ActivityStatusCode.Ok : ActivityStatusCode.Error, result.IsValid ? null : result.Outcome.ToString());
        }

        return result;
    }

    /// <summary>Decodes and validates the response bytes; returns the outcome and its metrics tag.</summary>
    private static (ResponseValidation Result, string StatusTag) Interpret(ExchangeRequest request, byte[] bytes, IReadOnlyList<TipSet>? knownTipSets)
    {
        ExchangeResponse response;
        try
        {
            // The chain bound comes from the request, so a hostile array header is refused before any allocation.
            response = ExchangeResponse.Decode(bytes, (int)request.Length);
        }
        catch (DagCborException ex)
        {
            return (ResponseValidation.Failed(PeerOutcome.Malformed, ResponseFault.Malformed, ex.Message), OutcomeTag(PeerOutcome.Malformed));
        }

        ResponseValidation result = ResponseValidator.Validate(request, response, knownTipSets);

        // An answer refused for its status is counted by that status; a refused Ok or Partial by what was wrong.
        string tag = result.IsValid || result.Outcome is PeerOutcome.NotFound or PeerOutcome.GoAway or PeerOutcome.ErrorStatus
            ? ExchangeMetrics.StatusTag(response.Status)
            : OutcomeTag(result.Outcome);
        return (result, tag);
    }

    /// <summary>
    /// Opens a stream to <paramref name="peer"/>, writes the request, half-closes and reads the whole response within
    /// the read limits. Returns the bytes, or the transport failure to charge the peer with.
    /// </summary>
    private async Task<(byte[]? Bytes, ResponseValidation? Failure)> ExchangeAsync(PeerId peer, byte[] encodedRequest, CancellationToken cancellationToken)
    {
        INetworkStream stream;
        using (var timeout = new CancellationTokenSource(_options.OpenStreamTimeout, _time))
        using (var linked = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, timeout.Token))
        {
            try
            {
                stream = await _host.OpenStreamAsync(peer, ExchangeProtocol.Id, linked.Token).ConfigureAwait(false);
            }
            catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
            {
                return (null, ResponseValidation.Failed(PeerOutcome.Timeout, ResponseFault.Transport, $"no stream within {_options.OpenStreamTimeout}"));
            }
            catch (Exception ex) when (ex is not OperationCanceledException)
            {
                // Whatever the host throws for an unreachable peer (IOException by contract) is the peer's outcome,
                // not the caller's problem.
                return (null, ResponseValidation.Failed(PeerOutcome.Unreachable, ResponseFault.Transport, $"cannot open a stream: {ex.Message}"));
            }
        }

        bool whole = false;
        try
        {
            using (var timeout = new CancellationTokenSource(_options.WriteRequestTimeout, _time))
            using (var linked = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, timeout.Token))
            {
                try
                {
                    await stream.Output.WriteAsync(encodedRequest, linked.Token).ConfigureAwait(false);
                    await stream.CompleteWritingAsync(linked.Token).ConfigureAwait(false);
                }
                catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
                {
                    return (null, ResponseValidation.Failed(PeerOutcome.Timeout, ResponseFault.Transport, $"request not written within {_options.WriteRequestTimeout}"));
                }
                catch (Exception ex) when (ex is not OperationCanceledException)
                {
                    return (null, ResponseValidation.Failed(PeerOutcome.StreamError, ResponseFault.Transport, $"writing the request failed: {ex.Message}"));
                }
            }

            byte[] bytes;
            try
            {
                // No framing: a response is one CBOR item and the server closes after it, so read to the end.
                bytes = await BoundedReader.ReadMessageAsync(stream.Input, _readLimits, _time, null, cancellationToken).ConfigureAwait(false);
            }
            catch (BoundedReadException ex)
            {
                return (null, ResponseValidation.Failed(ReadOutcome(ex.Failure), ResponseFault.Transport, ex.Message));
            }

            whole = true;
            return (bytes, null);
        }
        finally
        {
            if (!whole)
            {
                // Reset rather than close: the peer should stop sending, and its handler should see a failure.
                stream.Abort();
            }

            await stream.DisposeAsync().ConfigureAwait(false);
        }
    }

    private static PeerOutcome ReadOutcome(ReadFailure failure) => failure switch
    {
        ReadFailure.TooLarge => PeerOutcome.TooLarge,
        ReadFailure.NoResponse => PeerOutcome.Timeout,
        ReadFailure.TooSlow or ReadFailure.Deadline => PeerOutcome.TooSlow,
        _ => PeerOutcome.StreamError,
    };

    /// <summary>The metrics tag of an outcome (a closed set).</summary>
    private static string OutcomeTag(PeerOutcome outcome) => outcome switch
    {
        PeerOutcome.Success => "ok",
        PeerOutcome.Unreachable => "unreachable",
        PeerOutcome.Timeout => "timeout",
        PeerOutcome.TooSlow => "too_slow",
        PeerOutcome.TooLarge => "too_large",
        PeerOutcome.Malformed => "malformed",
        PeerOutcome.Invalid => "invalid",
        PeerOutcome.ErrorStatus => "error_status",
        PeerOutcome.GoAway => "go_away",
        PeerOutcome.NotFound => "not_found",
        PeerOutcome.StreamError => "stream_error",
        _ => "unknown",
    };
}
