using Microsoft.Extensions.Options;

namespace Venus.ChainSync.Hosting;

/// <summary>
/// Checks <see cref="ChainSyncOptions"/> as a whole (<see cref="ChainSyncOptions.Validate"/>) and reports every problem
/// at once, so a host fixes its configuration in one pass rather than one error per start.
/// </summary>
/// <remarks>
/// The failure is one message with one line per problem, each prefixed with its section
/// (<c>Syncer.SegmentLength must be between 1 and 900 (was 0).</c>). It is a single failure on purpose: the options
/// framework joins separate failures with "; " on one line, which is hard to read with a dozen problems.
/// </remarks>
public sealed class ChainSyncOptionsValidator : IValidateOptions<ChainSyncOptions>
{
    /// <inheritdoc/>
    public ValidateOptionsResult Validate(string? name, ChainSyncOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        IReadOnlyList<string> problems = options.Validate();
        return problems.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(string.Join(Environment.NewLine, problems));
    }
}
