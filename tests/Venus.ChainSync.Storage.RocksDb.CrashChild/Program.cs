using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Venus.ChainSync;
using Venus.ChainSync.Hosting;
using Venus.ChainSync.Network;
using Venus.ChainSync.Primitives;
using Venus.ChainSync.Storage.RocksDb.CrashChild;
using Venus.ChainSync.Testing;

// The crash test's child: syncs the crash chain from an in-process producer into the RocksDB store in args[0], one
// stdout line per step, until its head is the chain's tip or it is killed.
//   start <height>   the head the store held when the node started (genesis on a new store)
//   head <height>    the head after each move the node reported (after a dropped reader, after the moves it missed)
//   done <height>    the head is the tip; the node stopped and the store was closed cleanly
// Usage: CrashChild <store directory> <seed> <length> [<tipsets to execute>]
// With a count, the node executes that many tipsets and then waits in the executor until it is killed: the parent
// bounds how far one run gets past the point it kills at, so a run of kills never reaches the tip.
int limit = int.MaxValue;
if (args.Length is < 3 or > 4 || !int.TryParse(args[1], out int seed) || !int.TryParse(args[2], out int length)
    || (args.Length == 4 && !int.TryParse(args[3], out limit)))
{
    await Console.Error.WriteLineAsync("usage: CrashChild <store directory> <seed> <length> [<tipsets to execute>]");
    return 64;
}

// A guard against a hang: the parent kills a child long before this, or the child is done.
using var guard = new CancellationTokenSource(TimeSpan.FromSeconds(120));
CrashChain chain = CrashChain.Build(seed, length);
await using var network = new InMemoryNetwork();

InMemoryHost producerHost = network.CreateHost("producer");
var producerStore = new InMemoryChainStore(chain.Genesis, chain.Builder.GenesisState, chain.Builder.Store);
await producerStore.AdoptAsync(chain.Builder, chain.TipSets, guard.Token);
await using ServiceProvider producer = new ServiceCollection()
    .AddInMemoryPorts(producerHost, producerStore)
    .AddChainSync(o => o.NetworkName = CrashChain.NetworkName)
    .BuildServiceProvider();

int executed = 0;
InMemoryHost followerHost = network.CreateHost("follower");
await using ServiceProvider follower = new ServiceCollection()
    .AddRocksDbStore(args[0])
    .AddSingleton<ITipSetExecutor>(new TestTipSetExecutor(async (_, cancellationToken) =>
    {
        if (Interlocked.Increment(ref executed) > limit)
        {
            await Task.Delay(Timeout.Infinite, cancellationToken);
        }
    }))
    .AddSingleton<IChainWeigher>(new ParentWeightWeigher())
    .AddSingleton<IStreamHost>(followerHost)
    .AddSingleton<IPubSub>(followerHost)
    .AddSingleton(typeof(Microsoft.Extensions.Logging.ILogger<>), typeof(StderrLogger<>))
    .AddChainSync(o =>
    {
        o.NetworkName = CrashChain.NetworkName;

        // Room for a whole run's moves, so that a child slowed by a busy machine rarely drops its own reader.
        o.Syncer.HeadChangeSubscriberCapacity = 4096;
    })
    .BuildServiceProvider();

var store = (ChainStore)follower.GetRequiredService<IChainStore>();
await store.InitializeAsync(chain.Genesis, chain.Builder.GenesisState, guard.Token);
TipSet start = await store.GetHeadAsync(guard.Token);
Console.WriteLine($"start {start.Height}");

IHostedService[] producerServices = [.. producer.GetServices<IHostedService>()];
IHostedService[] followerServices = [.. follower.GetServices<IHostedService>()];
foreach (IHostedService service in producerServices.Concat(followerServices))
{
    await service.StartAsync(guard.Token);
}

ISyncApi api = follower.GetRequiredService<ISyncApi>();
bool connected = false;
TipSet head = start;
while (head.Key != chain.Target.Key)
{
    try
    {
        bool first = true;
        await foreach (IReadOnlyList<HeadChange> moves in api.ChainNotify(guard.Token))
        {
            // The first batch of each subscription is the head as it is; connect once the first is being read, so
            // no move is missed between the start line and the first head line.
            if (first)
            {
                first = false;
                if (!connected)
                {
                    network.Connect(producerHost, followerHost);
                    connected = true;
                }

                // After a drop the moves it missed show as the head as it is now: printed as one move.
                if (moves[^1].TipSet.Key == head.Key)
                {
                    continue;
                }
            }

            head = moves[^1].TipSet;
            Console.WriteLine($"head {head.Height}");
            if (head.Key == chain.Target.Key)
            {
                break;
            }
        }
    }
    catch (SlowSubscriberException)
    {
        // This reader fell behind a fast catch-up; subscribing again starts from the head as it is now.
    }
}

foreach (IHostedService service in followerServices.Reverse().Concat(producerServices.Reverse()))
{
    await service.StopAsync(guard.Token);
}

Console.WriteLine($"done {head.Height}");
return 0;
