using Venus.ChainSync.Network;

namespace Venus.ChainSync.Testing;

/// <summary>Link faults, partitions and gossip delivery.</summary>
public sealed partial class InMemoryNetwork
{
    private readonly Dictionary<(PeerId From, PeerId To), LinkRule> _links = [];
    private readonly HashSet<(PeerId From, PeerId To)> _blocked = [];
    private readonly List<(InMemoryHost Dialer, InMemoryHost Listener)> _severed = [];
    private readonly HashSet<PendingGossip> _pendingGossip = [];

    // A leaf lock: taken under the network's or a relay's lock, never the other way round.
    private readonly Lock _inFlightGate = new();
    private readonly List<TaskCompletionSource> _inFlightWaiters = [];
    private int _inFlight;

    /// <summary>
    /// Sets the faults of the link between <paramref name="a"/> and <paramref name="b"/> in both directions (each
    /// direction gets its own copy, and its own random sequence for dropped streams). <see cref="LinkFaults.None"/>
    /// clears them. Streams opened from now on use the new faults; open streams keep theirs.
    /// </summary>
    /// <exception cref="ArgumentException">A host belongs to another network.</exception>
    public void Configure(InMemoryHost a, InMemoryHost b, LinkFaults faults)
    {
        CheckMember(a, nameof(a));
        CheckMember(b, nameof(b));
        ArgumentNullException.ThrowIfNull(faults);
        lock (_gate)
        {
            SetRule(a.LocalPeer, b.LocalPeer, faults);
            SetRule(b.LocalPeer, a.LocalPeer, faults);
        }
    }

    /// <summary>
    /// Sets the faults of one direction: what <paramref name="from"/> sends to <paramref name="to"/> (stream bytes,
    /// half-closes and gossip), and the streams <paramref name="from"/> opens to <paramref name="to"/> (dropping).
    /// The other direction is unchanged.
    /// </summary>
    /// <exception cref="ArgumentException">A host belongs to another network.</exception>
    public void ConfigureOneWay(InMemoryHost from, InMemoryHost to, LinkFaults faults)
    {
        CheckMember(from, nameof(from));
        CheckMember(to, nameof(to));
        ArgumentNullException.ThrowIfNull(faults);
        lock (_gate)
        {
            SetRule(from.LocalPeer, to.LocalPeer, faults);
        }
    }

    /// <summary>The faults of the direction from <paramref name="from"/> to <paramref name="to"/> (<see cref="LinkFaults.None"/> when unset).</summary>
    public LinkFaults GetLinkFaults(InMemoryHost from, InMemoryHost to)
    {
        CheckMember(from, nameof(from));
        CheckMember(to, nameof(to));
        lock (_gate)
        {
            return FaultsOf(from.LocalPeer, to.LocalPeer);
        }
    }

    /// <summary>
    /// Cuts every host of <paramref name="side1"/> off from every host of <paramref name="side2"/>, at once and both
    /// ways: connections between them close (both hosts see <see cref="ConnectionChange.Disconnected"/>), open
    /// streams between them are reset, gossip in flight between them is dropped, and until <see cref="Heal"/>
    /// opening a stream fails with <see cref="IOException"/>, <see cref="Connect"/> fails and gossip does not cross.
    /// Hosts on the same side, and hosts on neither, are unaffected. Partitions add up.
    /// </summary>
    /// <exception cref="ArgumentException">A host is on both sides, or belongs to another network.</exception>
    public void Partition(IEnumerable<InMemoryHost> side1, IEnumerable<InMemoryHost> side2)
    {
        ArgumentNullException.ThrowIfNull(side1);
        ArgumentNullException.ThrowIfNull(side2);
        InMemoryHost[] one = [.. side1];
        InMemoryHost[] two = [.. side2];
        foreach (InMemoryHost host in one)
        {
            CheckMember(host, nameof(side1));
        }

        foreach (InMemoryHost host in two)
        {
            CheckMember(host, nameof(side2));
        }

        if (one.Intersect(two).Any())
        {
            throw new ArgumentException("A host cannot be on both sides of a partition.", nameof(side2));
        }

        List<StreamPair> cut = [];
        lock (_gate)
        {
            foreach (InMemoryHost a in one)
            {
                foreach (InMemoryHost b in two)
                {
                    _blocked.Add((a.LocalPeer, b.LocalPeer));
                    _blocked.Add((b.LocalPeer, a.LocalPeer));
                    Sever(a, b);
                }
            }

            cut.AddRange(_streams.Where(stream => IsBlocked(stream.Opener.LocalPeer, stream.Remote.LocalPeer)));
        }

        // Outside the lock: a relay takes its own lock, and its timer callbacks never take the network's.
        var partitioned = new IOException("the network was partitioned");
        foreach (StreamPair stream in cut)
        {
            stream.Abort(partitioned);
        }
    }

    /// <summary>
    /// Ends every partition: hosts reach each other again, and the connections a partition closed come back (both
    /// hosts see <see cref="ConnectionChange.Connected"/>, the same host dialling), as if the peers redialled.
    /// Streams and gossip the partition cut stay lost.
    /// </summary>
    public void Heal()
    {
        lock (_gate)
        {
            _blocked.Clear();
            foreach ((InMemoryHost dialer, InMemoryHost listener) in _severed)
            {
                ConnectCore(dialer, listener);
            }

            _severed.Clear();
        }
    }

    /// <summary>
    /// Completes once something travels on a link and waits for the clock: stream bytes, a half-close or a reset
    /// behind latency or bandwidth, or a gossip message behind latency. At once if something already does.
    /// </summary>
    /// <remarks>
    /// With a <c>FakeTimeProvider</c>, await this before <c>Advance</c> when the sender is a handler running on its
    /// own task, so the advance surely covers what it sent. It says that the sender has flushed, not that it has
    /// finished: a sender that flushes several times may still be writing.
    /// </remarks>
    public Task WhenInFlightAsync(CancellationToken cancellationToken)
    {
        lock (_inFlightGate)
        {
            if (_inFlight > 0)
            {
                return Task.CompletedTask;
            }

            var waiter = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            _inFlightWaiters.Add(waiter);
            return waiter.Task.WaitAsync(cancellationToken);
        }
    }

    /// <summary>A lane armed (+1) or disarmed (-1) its timer, or gossip went on (+1) or off (-1) the wire.</summary>
    internal void AdjustInFlight(int delta)
    {
        lock (_inFlightGate)
        {
            _inFlight += delta;
            if (_inFlight > 0 && _inFlightWaiters.Count > 0)
            {
                foreach (TaskCompletionSource waiter in _inFlightWaiters)
                {
                    waiter.TrySetResult();
                }

                _inFlightWaiters.Clear();
            }
        }
    }

    /// <summary>
    /// Sends <paramref name="message"/> from <paramref name="from"/> along each of its connections (but to
    /// <paramref name="except"/>) that no partition blocks, now or after the link's latency.
    /// </summary>
    internal void Forward(InMemoryHost from, PubSubMessage message, PeerId? except)
    {
        List<InMemoryHost> now = [];
        lock (_gate)
        {
            if (_stopped)
            {
                return;
            }

            foreach (PeerId peer in from.ConnectedPeers)
            {
                if (peer == except || IsBlocked(from.LocalPeer, peer) || !_hosts.TryGetValue(peer, out InMemoryHost? to))
                {
                    continue;
                }

                TimeSpan latency = FaultsOf(from.LocalPeer, to.LocalPeer).Latency;
                if (latency == TimeSpan.Zero)
                {
                    now.Add(to);
                }
                else
                {
                    ScheduleGossip(from, to, message, latency);
                }
            }
        }

        foreach (InMemoryHost to in now)
        {
            to.Receive(message);
        }
    }

    private bool IsBlocked(PeerId from, PeerId to) => _blocked.Contains((from, to));

    private LinkFaults FaultsOf(PeerId from, PeerId to) =>
        _links.TryGetValue((from, to), out LinkRule? rule) ? rule.Faults : LinkFaults.None;

    private void SetRule(PeerId from, PeerId to, LinkFaults faults)
    {
        if (faults == LinkFaults.None)
        {
            _links.Remove((from, to));
        }
        else
        {
            _links[(from, to)] = new LinkRule(faults, Seed);
        }
    }

    /// <summary>Whether the link drops the next stream opened from <paramref name="from"/> to <paramref name="to"/>.</summary>
    private bool ShouldDrop(PeerId from, PeerId to)
    {
        if (!_links.TryGetValue((from, to), out LinkRule? rule))
        {
            return false;
        }

        return rule.Faults.DropStreamProbability switch
        {
            <= 0 => false,
            >= 1 => true,
            double p => rule.Draw() < p,
        };
    }

    private void Sever(InMemoryHost a, InMemoryHost b)
    {
        if (a.DialledTo(b.LocalPeer) is not bool aDialled)
        {
            return;
        }

        _severed.Add(aDialled ? (a, b) : (b, a));
        a.RemoveConnection(b.LocalPeer);
        b.RemoveConnection(a.LocalPeer);
    }

    private void ScheduleGossip(InMemoryHost from, InMemoryHost to, PubSubMessage message, TimeSpan latency)
    {
        var pending = new PendingGossip(this, from, to, message);
        _pendingGossip.Add(pending);
        AdjustInFlight(1);

        // Created under the lock the callback takes first, so the callback always sees the timer set.
        pending.Timer = Time.CreateTimer(static state => ((PendingGossip)state!).Arrive(), pending, latency, Timeout.InfiniteTimeSpan);
    }

    private void OnGossipDue(PendingGossip pending)
    {
        bool deliver;
        lock (_gate)
        {
            if (!_pendingGossip.Remove(pending))
            {
                return;
            }

            deliver = !IsBlocked(pending.From.LocalPeer, pending.To.LocalPeer);
        }

        pending.Drop();
        if (deliver)
        {
            pending.To.Receive(pending.Message);
        }
    }

    /// <summary>The faults of one direction, and the random sequence of its drops.</summary>
    private sealed class LinkRule(LinkFaults faults, int seed)
    {
#pragma warning disable CA5394 // Reproducible fault injection in tests needs a seeded generator, not a secure one.
        private readonly Random _random = new(seed);

        public LinkFaults Faults { get; } = faults;

        public double Draw() => _random.NextDouble();
#pragma warning restore CA5394
    }

    /// <summary>A gossip message waiting for its latency.</summary>
    private sealed class PendingGossip(InMemoryNetwork network, InMemoryHost from, InMemoryHost to, PubSubMessage message)
    {
        private int _dropped;

        public InMemoryHost From { get; } = from;

        public InMemoryHost To { get; } = to;

        public PubSubMessage Message { get; } = message;

        public ITimer? Timer { get; set; }

        public void Arrive() => network.OnGossipDue(this);

        /// <summary>Releases the timer and the in-flight count, once.</summary>
        public void Drop()
        {
            if (Interlocked.Exchange(ref _dropped, 1) == 0)
            {
                Timer?.Dispose();
                network.AdjustInFlight(-1);
            }
        }
    }
}
