using System.Buffers;
using System.Collections.Immutable;
using System.IO.Pipelines;
using System.Text;
using Venus.ChainSync.Network;
using Venus.ChainSync.Primitives;
using Venus.ChainSync.Primitives.Cbor;

namespace Venus.ChainSync.Exchange;

/// <summary>Writing the response: streamed a tipset at a time, within the write deadline.</summary>
public sealed partial class ChainExchangeServer
{
    /// <summary>Bytes written before the writer flushes (and so waits for the peer when the transport is full).</summary>
    private const int FlushThreshold = 64 * 1024;

    /// <summary>
    /// Writes the response head and each tipset straight into the stream, flushing every
    /// <see cref="FlushThreshold"/> bytes, then half-closes. Memory beyond the loaded data is one tipset plus
    /// what the transport buffers; a peer that stops reading stalls the flush until the write deadline resets
    /// the stream.
    /// </summary>
    private async Task<Outcome> WriteResponseAsync(INetworkStream stream, ExchangeStatus status, string message, IReadOnlyList<TipSetBundle> chain, CancellationToken stop)
    {
        PeerId peer = stream.RemotePeer;
        using var deadline = new CancellationTokenSource(_options.WriteDeadline, _time);
        using var writing = CancellationTokenSource.CreateLinkedTokenSource(stop, deadline.Token);
        PipeWriter output = stream.Output;
        long total = 0;
        try
        {
            long unflushed = ResponseEncoding.WriteHead(output, status, message, chain.Count);
            total = unflushed;
            foreach (TipSetBundle bundle in chain)
            {
                long size = ResponseEncoding.WriteBundle(output, bundle);
                total += size;
                unflushed += size;
                if (unflushed >= FlushThreshold)
                {
                    FlushResult flushed = await output.FlushAsync(writing.Token).ConfigureAwait(false);
                    if (flushed.IsCanceled || flushed.IsCompleted)
                    {
                        // Reset under us, or the peer stopped reading altogether.
                        ServerLog.WriteFailed(_logger, peer, null);
                        stream.Abort();
                        return Outcome.Reset;
                    }

                    unflushed = 0;
                }
            }

            await stream.CompleteWritingAsync(writing.Token).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (deadline.IsCancellationRequested && !stop.IsCancellationRequested)
        {
            ServerLog.WriteTimedOut(_logger, peer, _options.WriteDeadline);
            stream.Abort();
            return Outcome.Timeout;
        }
        catch (Exception ex) when (ex is IOException or InvalidOperationException && !stop.IsCancellationRequested)
        {
            // The stream was reset or completed by the other side.
            ServerLog.WriteFailed(_logger, peer, ex);
            stream.Abort();
            return Outcome.Reset;
        }

        ServerLog.Served(_logger, peer, status, chain.Count, total);
        return Outcome.Written(status, chain.Count, total);
    }
}

/// <summary>The response's encoding, written piecewise, and its exact size computed without encoding.</summary>
internal static class ResponseEncoding
{
    /// <summary>Writes <c>[Status, ErrorMessage, Chain-array-header]</c>; returns the bytes written.</summary>
    public static long WriteHead(IBufferWriter<byte> output, ExchangeStatus status, string message, int tipSets)
    {
        var writer = new DagCborWriter(output);
        writer.WriteArrayHeader(3);
        writer.WriteUInt64((ulong)status);
        writer.WriteTextString(message);
        writer.WriteArrayHeader(tipSets);
        return MeasureHead(status, message, tipSets);
    }

    /// <summary>Writes one tipset; returns the bytes written.</summary>
    public static long WriteBundle(IBufferWriter<byte> output, TipSetBundle bundle)
    {
        bundle.WriteTo(new DagCborWriter(output));
        return MeasureBundle(bundle);
    }

    /// <summary>Encoded size of the response head.</summary>
    public static long MeasureHead(ExchangeStatus status, string message, int tipSets)
    {
        int text = Encoding.UTF8.GetByteCount(message);
        return 1 + DagCborWriter.HeadSize((ulong)status) + DagCborWriter.HeadSize((ulong)text) + text + DagCborWriter.HeadSize((ulong)tipSets);
    }

    /// <summary>Encoded size of one tipset, exactly what <see cref="TipSetBundle.WriteTo"/> writes.</summary>
    public static long MeasureBundle(TipSetBundle bundle)
    {
        long size = 1 + DagCborWriter.HeadSize((ulong)bundle.Blocks.Length);
        foreach (BlockHeader block in bundle.Blocks)
        {
            size += block.RawData.Length;
        }

        return size + (bundle.Messages is { } messages ? MeasureMessages(messages) : 1);
    }

    private static long MeasureMessages(CompactedMessages messages)
    {
        long size = 1 + DagCborWriter.HeadSize((ulong)messages.Bls.Length) + DagCborWriter.HeadSize((ulong)messages.Secpk.Length);
        foreach (Message message in messages.Bls)
        {
            size += message.RawData.Length;
        }

        foreach (SignedMessage message in messages.Secpk)
        {
            size += message.RawData.Length;
        }

        return size + MeasureIncludes(messages.BlsIncludes) + MeasureIncludes(messages.SecpkIncludes);
    }

    private static long MeasureIncludes(ImmutableArray<ImmutableArray<ulong>> includes)
    {
        long size = DagCborWriter.HeadSize((ulong)includes.Length);
        foreach (ImmutableArray<ulong> block in includes)
        {
            size += DagCborWriter.HeadSize((ulong)block.Length);
            foreach (ulong index in block)
            {
                size += DagCborWriter.HeadSize(index);
            }
        }

        return size;
    }
}
