namespace Venus.ChainSync.Interop.Tests.Chain;

/// <summary>
/// A class fixture: the 50-tipset <see cref="ChainFixture"/> written once as a CAR in a temporary folder, for every
/// test of a class that starts JS peers serving it.
/// </summary>
public sealed class CarChainFixture : IAsyncLifetime
{
    private readonly string _directory = Path.Combine(Path.GetTempPath(), "venus-interop-" + Guid.NewGuid().ToString("N"));

    public ChainFixture Chain { get; } = ChainFixture.Build(tipSets: 50);

    public string CarPath => Path.Combine(_directory, "chain.car");

    public async Task InitializeAsync()
    {
        Directory.CreateDirectory(_directory);
        await Chain.WriteCarAsync(CarPath, TestGuard.Token()).ConfigureAwait(false);
    }

    public Task DisposeAsync()
    {
        Directory.Delete(_directory, recursive: true);
        return Task.CompletedTask;
    }
}
