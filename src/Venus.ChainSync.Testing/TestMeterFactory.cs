using System.Diagnostics.Metrics;

namespace Venus.ChainSync.Testing;

/// <summary>
/// An <see cref="IMeterFactory"/> for tests: each meter carries the factory as its scope, as the DI factory does,
/// so a <c>MetricCollector</c> created with this factory sees exactly the instruments of the code under test.
/// Disposing it disposes every meter it created.
/// </summary>
public sealed class TestMeterFactory : IMeterFactory
{
    private readonly List<Meter> _meters = [];

    /// <inheritdoc/>
    public Meter Create(MeterOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        var meter = new Meter(options.Name, options.Version, options.Tags, scope: this);
        lock (_meters)
        {
            _meters.Add(meter);
        }

        return meter;
    }

    /// <inheritdoc/>
    public void Dispose()
    {
        lock (_meters)
        {
            foreach (Meter meter in _meters)
            {
                meter.Dispose();
            }

            _meters.Clear();
        }
    }
}
