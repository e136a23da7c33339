using BenchmarkDotNet.Attributes;
using Microsoft.Extensions.Logging.Abstractions;
using Venus.ChainSync.Exchange;
using Venus.ChainSync.Network;
using Venus.ChainSync.Primitives;
using Venus.ChainSync.Primitives.Storage;
using Venus.ChainSync.Testing;

namespace Venus.ChainSync.Benchmarks;

/// <summary>
/// The chain exchange at full size: a 900-tipset request with headers and messages over a chain of 5 blocks per
/// tipset and about 100 messages per tipset (10 BLS and 10 secp per block, of which 4 shared by every block).
/// The server is measured end to end over the in-memory network; the client on the same response bytes,
/// against the floor of decoding them and hashing every object in them.
/// </summary>
[MemoryDiagnoser]
public class ExchangeBenchmarks
{
    private const int Length = 900;
    private InMemoryNetwork _network = null!;
    private InMemoryHost _clientHost = null!;
    private ChainExchangeServer _server = null!;
    private ExchangeRequest _request = null!;
    private byte[] _requestBytes = [];
    private byte[] _response = [];

    /// <summary>Bytes of the response, for MB/s.</summary>
    public int ResponseBytes => _response.Length;

    [GlobalSetup]
    public async Task Setup()
    {
        var store = new MemoryBlockstore();
        var chain = new ChainBuilder(store, seed: 1);
        IReadOnlyList<TipSet> built = chain.AddChain(chain.Genesis(), Length + 1, new TipSetSpec(Blocks: 5, BlsMessages: 8, SecpMessages: 8, SharedMessages: 2));
        _network = new InMemoryNetwork();
        InMemoryHost serverHost = _network.CreateHost("server");
        _clientHost = _network.CreateHost("client");
        _server = new ChainExchangeServer(serverHost, store, new ExchangeServerOptions { MaxResponseBytes = 120L << 20 }, logger: NullLogger<ChainExchangeServer>.Instance);
        _server.Start();
        _request = new ExchangeRequest(built[^1].Key, Length, ExchangeOptions.Headers | ExchangeOptions.Messages);
        _requestBytes = _request.Encode();
        _response = await FetchAsync();
        ExchangeResponse decoded = ExchangeResponse.Decode(_response, Length);
        if (decoded.Status != ExchangeStatus.Ok || decoded.Chain.Length != Length || !ResponseValidator.Validate(_request, decoded).IsValid)
        {
            throw new InvalidOperationException("the benchmark response is not a valid full answer");
        }

        Console.WriteLine($"// response: {_response.Length} bytes, {Length} tipsets, {decoded.Chain.Sum(b => b.Messages!.Bls.Length + b.Messages.Secpk.Length)} distinct messages");
    }

    [GlobalCleanup]
    public async Task Cleanup()
    {
        await _server.DisposeAsync();
        await _network.DisposeAsync();
    }

    [Benchmark(Description = "server: serve 900 tipsets (headers + messages), in-memory stream")]
    public async Task<int> Serve() => (await FetchAsync()).Length;

    [Benchmark(Baseline = true, Description = "floor: decode the response + hash every header and message")]
    public int DecodeAndHash() => HashAll(ExchangeResponse.Decode(_response, Length));

    [Benchmark(Description = "decode the response only")]
    public int DecodeOnly() => ExchangeResponse.Decode(_response, Length).Chain.Length;

    [Benchmark(Description = "client: decode + validate the response (tipsets, links, includes, message roots)")]
    public int DecodeAndValidate()
    {
        ExchangeResponse response = ExchangeResponse.Decode(_response, Length);
        ResponseValidation validation = ResponseValidator.Validate(_request, response);
        return validation.IsValid ? validation.Segment!.Count : throw new InvalidOperationException(validation.Reason);
    }

    /// <summary>A freshly decoded response before each validation-only run, so no CID is cached from an earlier run.</summary>
    private ExchangeResponse _fresh = null!;

    [IterationSetup(Targets = [nameof(ValidateOnly), nameof(HashOnly)])]
    public void DecodeFresh()
    {
        _fresh = ExchangeResponse.Decode(_response, Length);
        GC.Collect();
    }

    [Benchmark(Description = "hash every header and message of a decoded response (floor part)")]
    [InvocationCount(1)]
    public int HashOnly() => HashAll(_fresh);

    [Benchmark(Description = "validate a decoded response (its hashing included)")]
    [InvocationCount(1)]
    public int ValidateOnly()
    {
        ResponseValidation validation = ResponseValidator.Validate(_request, _fresh);
        return validation.IsValid ? validation.Segment!.Count : throw new InvalidOperationException(validation.Reason);
    }

    private static int HashAll(ExchangeResponse response)
    {
        int hashed = 0;
        foreach (TipSetBundle bundle in response.Chain)
        {
            foreach (BlockHeader header in bundle.Blocks)
            {
                hashed += header.Cid.Bytes.Length;
            }

            foreach (Message message in bundle.Messages!.Bls)
            {
                hashed += message.Cid.Bytes.Length;
            }

            foreach (SignedMessage message in bundle.Messages.Secpk)
            {
                hashed += message.Cid.Bytes.Length;
            }
        }

        return hashed;
    }

    private async Task<byte[]> FetchAsync()
    {
        await using INetworkStream stream = await _clientHost.OpenStreamAsync(_server is null ? default : PeerId.ForName("server"), ExchangeProtocol.Id, CancellationToken.None);
        await stream.Output.WriteAsync(_requestBytes);
        await stream.CompleteWritingAsync();
        return await BoundedReader.ReadMessageAsync(stream.Input, new ReadLimits(200L << 20, TimeSpan.FromMinutes(1), 0, TimeSpan.FromMinutes(5)), TimeProvider.System, null, CancellationToken.None);
    }
}
