using System.IO.Pipelines;

namespace Venus.ChainSync.Libp2p.Tests.Support;

/// <summary>
/// Two connected in-memory ends, as a socket pair gives: what one end writes, the other reads. Completing one end's
/// output ends the other's input. For protocol tests that need no socket.
/// </summary>
internal sealed class DuplexPipePair
{
    private DuplexPipePair(IDuplexPipe left, IDuplexPipe right)
    {
        Left = left;
        Right = right;
    }

    /// <summary>The dialling end, by convention.</summary>
    public IDuplexPipe Left { get; }

    /// <summary>The listening end, by convention.</summary>
    public IDuplexPipe Right { get; }

    /// <summary>Creates a pair; <paramref name="pauseWriterThreshold"/> bounds each direction's buffer (0: unbounded).</summary>
    public static DuplexPipePair Create(long pauseWriterThreshold = 1 << 20)
    {
        var options = new PipeOptions(
            pauseWriterThreshold: pauseWriterThreshold,
            resumeWriterThreshold: pauseWriterThreshold / 2,
            useSynchronizationContext: false);
        var leftToRight = new Pipe(options);
        var rightToLeft = new Pipe(options);
        return new DuplexPipePair(
            new End(rightToLeft.Reader, leftToRight.Writer),
            new End(leftToRight.Reader, rightToLeft.Writer));
    }

    private sealed record End(PipeReader Input, PipeWriter Output) : IDuplexPipe;
}
