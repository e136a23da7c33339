using Venus.ChainSync.Network;
using System.Threading.Channels;
using Microsoft.Extensions.Logging.Testing;
using NSubstitute;
using Venus.ChainSync.Primitives;
using Venus.ChainSync.Primitives.Storage;
using Venus.ChainSync.Testing;

namespace Venus.ChainSync.Tests.Dispatching;

/// <summary>One call of the gated syncer: the test decides when and how it ends.</summary>
internal sealed class SyncCall
{
    private readonly TaskCompletionSource<SyncResult> _result = new(TaskCreationOptions.RunContinuationsAsynchronously);

    public SyncCall(Target target, Action<TipSet>? progress, CancellationToken token)
    {
        Target = target;
        Progress = progress;
        Token = token;

        // The syncer honours cancellation the way a real one does: it ends with an OperationCanceledException.
        token.Register(() => _result.TrySetCanceled(token));
    }

    public Target Target { get; }

    public Action<TipSet>? Progress { get; }

    public CancellationToken Token { get; }

    public Task<SyncResult> Result => _result.Task;

    public void End(SyncResult result) => Assert.True(_result.TrySetResult(result));

    public void Complete() => End(SyncResult.Completed(Target.Head));

    public void Throw(Exception exception) => Assert.True(_result.TrySetException(exception));
}

/// <summary>A dispatcher over a real tracker and in-memory store, with a substitute syncer whose calls the test ends.</summary>
internal sealed class DispatcherHarness : IAsyncDisposable
{
    private readonly Channel<SyncCall> _calls = Channel.CreateUnbounded<SyncCall>();
    private readonly Channel<SyncFinishedEventArgs> _finished = Channel.CreateUnbounded<SyncFinishedEventArgs>();

    public DispatcherHarness(int concurrency = 1, int trackerCapacity = 15, int seed = 1)
    {
        Builder = new ChainBuilder(new MemoryBlockstore(), seed);
        Genesis = Builder.Genesis();

        // Its own blockstore, so that only what the dispatcher stores is there.
        Store = new InMemoryChainStore(Genesis, Builder.GenesisState);
        Tracker = new TargetTracker(TimeProvider.System, new TargetTrackerOptions { Capacity = trackerCapacity });
        Syncer = Substitute.For<ISyncer>();
        Syncer.HandleNewTipSetAsync(Arg.Any<Target>(), Arg.Any<Action<TipSet>?>(), Arg.Any<CancellationToken>())
            .Returns(call =>
            {
                var sync = new SyncCall(call.ArgAt<Target>(0), call.ArgAt<Action<TipSet>?>(1), call.ArgAt<CancellationToken>(2));
                _calls.Writer.TryWrite(sync);
                return sync.Result;
            });
        Dispatcher = new Dispatcher(Tracker, Syncer, Store, TimeProvider.System, Logger, new DispatcherOptions { MaxConcurrency = concurrency });
        Dispatcher.SyncFinished += (_, e) => _finished.Writer.TryWrite(e);
    }

    public ChainBuilder Builder { get; }

    public FakeLogger<Dispatcher> Logger { get; } = new();

    public bool Logged(int eventId) => Logger.Collector.GetSnapshot().Any(r => r.Id.Id == eventId);

    public TipSet Genesis { get; }

    public InMemoryChainStore Store { get; }

    public TargetTracker Tracker { get; }

    public ISyncer Syncer { get; }

    public Dispatcher Dispatcher { get; }

    /// <summary>Waits for the next call of the syncer.</summary>
    public ValueTask<SyncCall> NextCallAsync() => _calls.Reader.ReadAsync(TestGuard.Token());

    public bool TryTakeCall(out SyncCall? call) => _calls.Reader.TryRead(out call);

    /// <summary>Waits for the next <see cref="Dispatcher.SyncFinished"/>.</summary>
    public ValueTask<SyncFinishedEventArgs> NextFinishedAsync() => _finished.Reader.ReadAsync(TestGuard.Token());

    /// <summary>The peer that passes gossip on in these tests, and the one that published it.</summary>
    public static PeerId Sender { get; } = PeerId.ForName("sender");

    public static PeerId Source { get; } = PeerId.ForName("source");

    public async Task<DispatchOutcome> GossipAsync(TipSet tipSet) =>
        await Dispatcher.SendAsync(IncomingTipSet.Gossip(Builder.GetFullTipSet(tipSet), Sender, Source), TestGuard.Token());

    /// <summary>Yields until <paramref name="condition"/> holds, under the guard.</summary>
    public static async Task UntilAsync(Func<bool> condition)
    {
        CancellationToken guard = TestGuard.Token();
        while (!condition())
        {
            guard.ThrowIfCancellationRequested();
            await Task.Yield();
        }
    }

    public async ValueTask DisposeAsync() => await Dispatcher.DisposeAsync();
}
