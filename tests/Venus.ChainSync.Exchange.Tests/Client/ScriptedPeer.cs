using System.Buffers;
using System.Collections.Concurrent;
using System.IO.Pipelines;
using Venus.ChainSync.Network;
using Venus.ChainSync.Testing;

namespace Venus.ChainSync.Exchange.Tests.Client;

/// <summary>What a scripted server does with one decoded request on its stream.</summary>
internal delegate Task ServerScript(ExchangeRequest request, INetworkStream stream, CancellationToken cancellationToken);

/// <summary>
/// A peer on the in-memory network whose <c>/fil/chain/xchg/0.0.1</c> handler reads one request, records it, and
/// runs a script written in the test: honest answers from a <see cref="TestChain"/> or any hostile behaviour.
/// </summary>
internal sealed class ScriptedPeer
{
    private readonly ConcurrentQueue<ExchangeRequest> _requests = new();

    public ScriptedPeer(InMemoryHost host, ServerScript script)
    {
        Host = host;
        host.SetStreamHandler(ExchangeProtocol.Id, async (stream, ct) =>
        {
            ExchangeRequest request = ExchangeRequest.Decode(await ReadToEndAsync(stream.Input, ct));
            _requests.Enqueue(request);
            RequestReceived.TrySetResult();
            await script(request, stream, ct);
        });
    }

    public InMemoryHost Host { get; }

    public PeerId Id => Host.LocalPeer;

    public IReadOnlyList<ExchangeRequest> Requests => [.. _requests];

    /// <summary>Completes when the first request has been read.</summary>
    public TaskCompletionSource RequestReceived { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

    /// <summary>Answers as an honest Lotus server would from <paramref name="chain"/>, at most <paramref name="cap"/> tipsets at a time.</summary>
    public static ServerScript Honest(TestChain chain, int? cap = null) => Answer(request => chain.Respond(request, cap));

    public static ServerScript Answer(Func<ExchangeRequest, ExchangeResponse> respond) => Bytes(request => respond(request).Encode());

    public static ServerScript Bytes(Func<ExchangeRequest, byte[]> respond) => async (request, stream, ct) =>
    {
        await stream.Output.WriteAsync(respond(request), ct);
        await stream.CompleteWritingAsync(ct);
    };

    /// <summary>Reads the request without making the server a test subject of its own: it trusts the client.</summary>
    private static async Task<byte[]> ReadToEndAsync(PipeReader input, CancellationToken ct)
    {
        while (true)
        {
            ReadResult read = await input.ReadAsync(ct);
            if (read.IsCompleted)
            {
                byte[] bytes = read.Buffer.ToArray();
                input.AdvanceTo(read.Buffer.End);
                return bytes;
            }

            input.AdvanceTo(read.Buffer.Start, read.Buffer.End);
        }
    }
}
