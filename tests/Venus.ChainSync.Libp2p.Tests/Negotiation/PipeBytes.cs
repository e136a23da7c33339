using System.Buffers;
using System.IO.Pipelines;

namespace Venus.ChainSync.Libp2p.Tests.Negotiation;

/// <summary>Raw bytes in and out of a pipe end, for transcripts and hostile peers.</summary>
internal static class PipeBytes
{
    /// <summary>Guard on every await that could hang.</summary>
    public static readonly TimeSpan Guard = TimeSpan.FromSeconds(10);

    /// <summary>Writes and flushes <paramref name="bytes"/>.</summary>
    public static async Task WriteAsync(PipeWriter output, params byte[] bytes)
    {
        await output.WriteAsync(bytes).AsTask().WaitAsync(Guard);
    }

    /// <summary>Writes and flushes a multistream message by hand: a one-byte length, the ASCII text, a newline.</summary>
    public static Task WriteMessageAsync(PipeWriter output, string text) => WriteAsync(output, Message(text));

    /// <summary>A short message's bytes built from the spec by hand (one-byte length: text under 127 bytes).</summary>
    public static byte[] Message(string text) => [(byte)(text.Length + 1), .. System.Text.Encoding.ASCII.GetBytes(text), (byte)'\n'];

    /// <summary>Reads exactly <paramref name="count"/> bytes.</summary>
    public static async Task<byte[]> ReadExactlyAsync(PipeReader input, int count)
    {
        while (true)
        {
            ReadResult result = await input.ReadAsync().AsTask().WaitAsync(Guard);
            if (result.Buffer.Length >= count)
            {
                byte[] bytes = result.Buffer.Slice(0, count).ToArray();
                input.AdvanceTo(result.Buffer.GetPosition(count));
                return bytes;
            }

            Assert.False(result.IsCompleted, $"the stream ended after {result.Buffer.Length} of {count} bytes");
            input.AdvanceTo(result.Buffer.Start, result.Buffer.End);
        }
    }

    /// <summary>Reads everything until the writer completes.</summary>
    public static async Task<byte[]> ReadToEndAsync(PipeReader input)
    {
        while (true)
        {
            ReadResult result = await input.ReadAsync().AsTask().WaitAsync(Guard);
            if (result.IsCompleted)
            {
                byte[] bytes = result.Buffer.ToArray();
                input.AdvanceTo(result.Buffer.End);
                return bytes;
            }

            input.AdvanceTo(result.Buffer.Start, result.Buffer.End);
        }
    }
}
