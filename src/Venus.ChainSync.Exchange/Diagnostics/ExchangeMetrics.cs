using System.Diagnostics;
using System.Diagnostics.Metrics;
using Venus.ChainSync.Exchange;

namespace Venus.ChainSync.Diagnostics;

/// <summary>
/// Instruments of the exchange layer, on the shared <c>Venus.ChainSync</c> meter. Tags come from closed sets only:
/// direction (<c>inbound</c>/<c>outbound</c>) and status (the known status names, <c>unknown</c>, or an outcome
/// word such as <c>timeout</c>) — never peer ids, CIDs or heights.
/// </summary>
public sealed class ExchangeMetrics
{
    private readonly Counter<long> _requests;
    private readonly Histogram<double> _duration;
    private readonly Histogram<long> _responseSize;
    private readonly Counter<long> _helloGreetings;

    /// <summary>Creates the instruments on the meter named <see cref="ChainSyncDiagnostics.Name"/> from <paramref name="meterFactory"/>.</summary>
    public ExchangeMetrics(IMeterFactory meterFactory)
    {
        ArgumentNullException.ThrowIfNull(meterFactory);
        Meter meter = meterFactory.Create(ChainSyncDiagnostics.Name);
        _requests = meter.CreateCounter<long>("venus.chainsync.exchange.requests", "{request}", "Chain exchange requests, by direction and status or outcome.");
        _duration = meter.CreateHistogram<double>("venus.chainsync.exchange.request.duration", "s", "Duration of chain exchange requests, by direction.");
        _responseSize = meter.CreateHistogram<long>("venus.chainsync.exchange.response.size", "By", "Size of chain exchange responses, by direction.");
        _helloGreetings = meter.CreateCounter<long>("venus.chainsync.hello.greetings", "{greeting}", "Hello greetings received, by result.");
    }

    /// <summary>Records one finished exchange request.</summary>
    public void RequestFinished(string direction, string status, TimeSpan duration, long responseBytes)
    {
        var tags = new TagList { { "direction", direction }, { "status", status } };
        _requests.Add(1, tags);
        if (_duration.Enabled)
        {
            _duration.Record(duration.TotalSeconds, new KeyValuePair<string, object?>("direction", direction));
        }

        if (responseBytes > 0 && _responseSize.Enabled)
        {
            _responseSize.Record(responseBytes, new KeyValuePair<string, object?>("direction", direction));
        }
    }

    /// <summary>Records one received greeting and what became of it (<c>accepted</c>, <c>wrong_genesis</c>, <c>malformed</c>, …).</summary>
    public void GreetingReceived(string result) => _helloGreetings.Add(1, new KeyValuePair<string, object?>("result", result));

    /// <summary>The tag value of a status: its name when known, <c>unknown</c> otherwise.</summary>
    public static string StatusTag(ExchangeStatus status) => status switch
    {
        ExchangeStatus.Ok => "ok",
        ExchangeStatus.Partial => "partial",
        ExchangeStatus.NotFound => "not_found",
        ExchangeStatus.GoAway => "go_away",
        ExchangeStatus.InternalError => "internal_error",
        ExchangeStatus.BadRequest => "bad_request",
        _ => "unknown",
    };
}
