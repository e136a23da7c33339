using Microsoft.Extensions.Options;

namespace Venus.ChainSync.Hosting;

/// <summary>
/// Checks <see cref="ChainSyncOptions"/> as a whole and reports every problem at once, so a host fixes its
/// configuration in one pass rather than one error per start.
/// </summary>
public sealed class ChainSyncOptionsValidator : IValidateOptions<ChainSyncOptions>
{
    /// <inheritdoc/>
    public ValidateOptionsResult Validate(string? name, ChainSyncOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        var failures = new List<string>();
        if (string.IsNullOrWhiteSpace(options.NetworkName))
        {
            failures.Add("NetworkName is required (the block topic is /fil/blocks/<NetworkName>; mainnet's is 'testnetnet').");
        }
        else if (options.NetworkName.Contains('/', StringComparison.Ordinal) || options.NetworkName.Any(char.IsWhiteSpace))
        {
            failures.Add($"NetworkName '{options.NetworkName}' may not contain '/' or white space.");
        }

        Check(failures, "Syncer", options.Syncer, static o => o.Validate());
        Check(failures, "Dispatcher", options.Dispatcher, static o => o.Validate());
        Check(failures, "Tracker", options.Tracker, static o => o.Validate());
        Check(failures, "ExchangeClient", options.ExchangeClient, static o => o.Validate());
        Check(failures, "ExchangeServer", options.ExchangeServer, static o => o.Validate());
        Check(failures, "Hello", options.Hello, static o => o.Validate());
        if (options.BadTipSetCacheCapacity < 1)
        {
            failures.Add($"BadTipSetCacheCapacity must be at least 1 (was {options.BadTipSetCacheCapacity}).");
        }

        if (options.SyncedWithinEpochs < 0)
        {
            failures.Add($"SyncedWithinEpochs may not be negative (was {options.SyncedWithinEpochs}).");
        }

        if (options.SubmitSyncTimeout <= TimeSpan.Zero)
        {
            failures.Add($"SubmitSyncTimeout must be positive (was {options.SubmitSyncTimeout}).");
        }

        if (options.Gossip is not { } gossip)
        {
            failures.Add("Gossip is required.");
        }
        else
        {
            Positive(failures, "Gossip.Workers", gossip.Workers, max: 1024);
            Positive(failures, "Gossip.QueueCapacity", gossip.QueueCapacity, max: 1 << 20);
            Positive(failures, "Gossip.MaxEpochsBehindHead", gossip.MaxEpochsBehindHead, max: int.MaxValue);
            Positive(failures, "Gossip.MaxEpochsAhead", gossip.MaxEpochsAhead, max: int.MaxValue);
            Positive(failures, "Gossip.MaxMessagesPerBlock", gossip.MaxMessagesPerBlock, max: int.MaxValue);
        }

        return failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);
    }

    private static void Check<T>(List<string> failures, string section, T? options, Action<T> validate)
        where T : class
    {
        if (options is null)
        {
            failures.Add($"{section} is required.");
            return;
        }

        try
        {
            validate(options);
        }
        catch (ArgumentException e)
        {
            failures.Add($"{section}: {e.Message}");
        }
    }

    private static void Positive(List<string> failures, string name, int value, int max)
    {
        if (value < 1 || value > max)
        {
            failures.Add($"{name} must be between 1 and {max} (was {value}).");
        }
    }
}
