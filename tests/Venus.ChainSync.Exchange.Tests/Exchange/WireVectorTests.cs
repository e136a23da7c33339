using System.Text.Json;
using Venus.ChainSync.Exchange;
using Venus.ChainSync.Hello;
using Venus.ChainSync.Primitives;
using Venus.ChainSync.Primitives.Cbor;

namespace Venus.ChainSync.Exchange.Tests.Exchange;

/// <summary>The exchange and hello vectors of <c>filecoin-vectors.json</c>, decoded and re-encoded byte-exactly.</summary>
public class WireVectorTests
{
    [SkippableTheory]
    [InlineData("exchange_request_genesis_headers_and_messages", 1UL, ExchangeOptions.Headers | ExchangeOptions.Messages)]
    [InlineData("exchange_request_headers_only_len900", 900UL, ExchangeOptions.Headers)]
    public void Request_vector_round_trips(string name, ulong length, ExchangeOptions options)
    {
        byte[] bytes = Vector(name);

        ExchangeRequest request = ExchangeRequest.Decode(bytes);

        Assert.Equal(length, request.Length);
        Assert.Equal(options, request.Options);
        Assert.Equal("bafy2bzacecnamqgqmifpluoeldx7zzglxcljo6oja4vrmtj7432rphldpdmm2", Assert.Single(request.Head.Cids).ToString());
        Assert.Equal(bytes, request.Encode());
    }

    [SkippableTheory]
    [InlineData("exchange_response_genesis_full", true)]
    [InlineData("exchange_response_genesis_headers_only", false)]
    public void Response_vector_round_trips_with_the_exact_genesis_header(string name, bool withMessages)
    {
        byte[] bytes = Vector(name);

        ExchangeResponse response = ExchangeResponse.Decode(bytes, ExchangeProtocol.MaxRequestLength);

        Assert.Equal(ExchangeStatus.Ok, response.Status);
        TipSetBundle bundle = Assert.Single(response.Chain);
        Assert.Equal("bafy2bzacecnamqgqmifpluoeldx7zzglxcljo6oja4vrmtj7432rphldpdmm2", Assert.Single(bundle.Blocks).Cid.ToString());
        Assert.Equal(withMessages, bundle.Messages is not null);
        if (bundle.Messages is { } messages)
        {
            Assert.Empty(Assert.Single(messages.BlsIncludes));
            Assert.Empty(Assert.Single(messages.SecpkIncludes));
        }

        Assert.Equal(bytes, response.Encode());
    }

    [SkippableFact]
    public void Bad_request_vector_round_trips()
    {
        byte[] bytes = Vector("exchange_response_bad_request_no_cids");
        ExchangeResponse response = ExchangeResponse.Decode(bytes, 0);
        Assert.Equal(ExchangeStatus.BadRequest, response.Status);
        Assert.Equal("no cids in request", response.ErrorMessage);
        Assert.Equal(bytes, response.Encode());
    }

    [Fact]
    public void Unknown_status_code_is_kept_not_refused()
    {
        byte[] bytes = ExchangeResponse.Error((ExchangeStatus)777, "odd").Encode();
        ExchangeResponse response = ExchangeResponse.Decode(bytes, 1);
        Assert.Equal(777UL, (ulong)response.Status);
        Assert.Equal(bytes, response.Encode());
    }

    [Fact]
    public void Chain_longer_than_allowed_is_refused_before_it_is_read()
    {
        byte[] bytes = [0x83, 0x00, 0x60, 0x9b, 0x40, 0, 0, 0, 0, 0, 0, 0];
        Assert.Throws<DagCborException>(() => ExchangeResponse.Decode(bytes, ExchangeProtocol.MaxRequestLength));
    }

    [SkippableTheory]
    [InlineData("hello_greeting_mainnet_genesis")]
    [InlineData("hello_greeting_example_weight")]
    public void Hello_greeting_vector_round_trips(string name)
    {
        byte[] bytes = Vector(name);
        HelloMessage hello = HelloMessage.Decode(bytes);
        Assert.Equal("bafy2bzacecnamqgqmifpluoeldx7zzglxcljo6oja4vrmtj7432rphldpdmm2", hello.GenesisHash.ToString());
        Assert.Equal(bytes, hello.Encode());
    }

    [SkippableFact]
    public void Hello_latency_vector_round_trips()
    {
        byte[] bytes = Vector("hello_latency_message");
        LatencyMessage latency = LatencyMessage.Decode(bytes);
        Assert.Equal(1700000000123456789L, latency.TArrival);
        Assert.Equal(1700000000223456789L, latency.TSent);
        Assert.Equal(bytes, latency.Encode());
    }

    private static byte[] Vector(string name)
    {
        using JsonDocument doc = SharedVectors.Json("filecoin-vectors.json");
        JsonElement v = doc.RootElement.GetProperty("vectors").EnumerateArray().Single(e => e.GetProperty("name").GetString() == name);
        return Convert.FromHexString(v.GetProperty("cbor_hex").GetString()!);
    }
}
