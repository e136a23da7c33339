namespace Venus.ChainSync.Testing;

/// <summary>
/// Faults on one direction of the link between two hosts of an <see cref="InMemoryNetwork"/>: what the bytes and
/// gossip that one host sends to the other go through. Immutable; every property is checked when it is set, so an
/// instance is always valid.
/// </summary>
/// <remarks>
/// <para>Time is measured on <see cref="InMemoryNetwork.Time"/>: with a <c>FakeTimeProvider</c>, delayed bytes
/// arrive during the <c>Advance</c> call that reaches their due time, and are readable when it returns.</para>
/// <para>A stream takes the faults of its link when it is opened; configuring the link again affects later streams
/// only. Partitions (<see cref="InMemoryNetwork.Partition"/>) are separate from these faults and act at once.</para>
/// </remarks>
public sealed record LinkFaults
{
    /// <summary>Longest <see cref="Latency"/> accepted.</summary>
    public static readonly TimeSpan MaxLatency = TimeSpan.FromDays(1);

    /// <summary>A link without faults: bytes arrive when they are flushed.</summary>
    public static LinkFaults None { get; } = new();

    /// <summary>
    /// One-way delay: bytes flushed at time <c>t</c> arrive at <c>t + Latency</c> (after their turn on the wire when
    /// <see cref="BytesPerSecond"/> is set), as do half-closes, in-band resets and gossip. Zero by default.
    /// </summary>
    /// <exception cref="ArgumentOutOfRangeException">Negative or above <see cref="MaxLatency"/>.</exception>
    public TimeSpan Latency
    {
        get;
        init
        {
            ArgumentOutOfRangeException.ThrowIfLessThan(value, TimeSpan.Zero);
            ArgumentOutOfRangeException.ThrowIfGreaterThan(value, MaxLatency);
            field = value;
        }
    }

    /// <summary>
    /// Bandwidth of the direction in bytes per second; 0 (the default) is unlimited. Flushed bytes queue for the
    /// wire, which carries them at this rate; the receiver gets them in chunks, so what it can read is never more
    /// than one chunk (a hundredth of a second's worth, at least one byte) behind what the wire has carried, and
    /// exactly that at chunk boundaries and at the end. Streams on the link share nothing: each has its own wire.
    /// Gossip is not paced.
    /// </summary>
    /// <exception cref="ArgumentOutOfRangeException">Negative.</exception>
    public long BytesPerSecond
    {
        get;
        init
        {
            ArgumentOutOfRangeException.ThrowIfNegative(value);
            field = value;
        }
    }

    /// <summary>
    /// Chance that opening a stream in this direction fails with <see cref="IOException"/>, from 0 (the default,
    /// never) to 1 (always). Between the two, each open that would otherwise succeed draws from a random sequence
    /// seeded with the network's seed when the link was configured, so the k-th open's fate depends only on the seed.
    /// </summary>
    /// <exception cref="ArgumentOutOfRangeException">Outside 0 to 1, or NaN.</exception>
    public double DropStreamProbability
    {
        get;
        init
        {
            if (!(value is >= 0 and <= 1))
            {
                throw new ArgumentOutOfRangeException(nameof(value), value, "A probability is between 0 and 1.");
            }

            field = value;
        }
    }

    /// <summary>
    /// When set, a stream carries at most this many bytes in this direction: when byte number
    /// <c>ResetAfterBytes + 1</c> is due the stream is reset. The receiver reads exactly <c>ResetAfterBytes</c> bytes
    /// and then its reads fail with <see cref="IOException"/>; both ends' writes fail from then on. A sender that
    /// stops at or below the limit is not reset. Null (the default) never resets.
    /// </summary>
    /// <exception cref="ArgumentOutOfRangeException">Negative.</exception>
    public long? ResetAfterBytes
    {
        get;
        init
        {
            if (value is < 0)
            {
                throw new ArgumentOutOfRangeException(nameof(value), value, "A byte count is not negative.");
            }

            field = value;
        }
    }

    /// <summary>Whether streams on the link need a relay (a plain pipe pair cannot delay, pace or cut bytes).</summary>
    internal bool ShapesStreams => Latency > TimeSpan.Zero || BytesPerSecond > 0 || ResetAfterBytes is not null;
}
