using System.Collections.Concurrent;
using Venus.ChainSync.Exchange;
using Venus.ChainSync.Network;
using Venus.ChainSync.Primitives;
using Venus.ChainSync.Testing;

namespace Venus.ChainSync.Tests.Sync;

/// <summary>
/// An <see cref="IChainExchange"/> that answers from chain builders (and from tipsets planted by a test), as a
/// well-behaved peer holding those chains would, except that a tipset built with
/// <see cref="TipSetFault.WrongMessageRoot"/> is served with its wrong messages: its message requests fail as the
/// real client fails them (their messages cannot form a <see cref="FullTipSet"/>) until a test plants the true ones.
/// It counts requests and records each header request's size.
/// </summary>
internal sealed class BuilderExchange(params ChainBuilder[] chains) : IChainExchange
{
    private readonly List<ChainBuilder> _chains = [.. chains];
    private readonly ConcurrentDictionary<TipSetKey, FullTipSet> _planted = new();
    private readonly ConcurrentQueue<int> _headerRequests = new();
    private int _messageRequests;

    /// <summary>The count asked for by each header request, in order.</summary>
    public IReadOnlyList<int> HeaderRequests => [.. _headerRequests];

    public int MessageRequests => Volatile.Read(ref _messageRequests);

    public int Requests => _headerRequests.Count + MessageRequests;

    /// <summary>Called with the running count on every message request, before it is answered.</summary>
    public Action<int>? OnMessageRequest { get; set; }

    /// <summary>When set, every request fails as if no peer could answer.</summary>
    public bool Unreachable { get; set; }

    /// <summary>Serves the chains of <paramref name="chain"/> as well.</summary>
    public void Serve(ChainBuilder chain) => _chains.Add(chain);

    /// <summary>Serves <paramref name="tipSet"/> as well (a tipset no builder made, such as one with a wrong root).</summary>
    public void Plant(FullTipSet tipSet) => _planted[tipSet.Key] = tipSet;

    public Task<IReadOnlyList<TipSet>> GetBlocksAsync(TipSetKey head, int count, CancellationToken cancellationToken)
    {
        _headerRequests.Enqueue(count);
        ThrowIfUnreachable();
        var tipsets = new List<TipSet>(count);
        TipSetKey key = head;
        while (tipsets.Count < count)
        {
            TipSet tipSet = FindHeaders(key);
            tipsets.Add(tipSet);
            if (tipSet.Height == 0)
            {
                break;
            }

            key = tipSet.Parents;
        }

        return Task.FromResult<IReadOnlyList<TipSet>>(tipsets);
    }

    public Task<IReadOnlyList<FullTipSet>> GetChainMessagesAsync(IReadOnlyList<TipSet> tipsets, CancellationToken cancellationToken)
    {
        int count = Interlocked.Increment(ref _messageRequests);
        OnMessageRequest?.Invoke(count);
        ThrowIfUnreachable();
        return Task.FromResult<IReadOnlyList<FullTipSet>>([.. tipsets.Select(t => Find(t.Key))]);
    }

    public Task<FullTipSet> GetFullTipSetAsync(IReadOnlyList<PeerId> peers, TipSetKey key, CancellationToken cancellationToken) =>
        Task.FromResult(Find(key));

    public void AddPeer(PeerId peer)
    {
    }

    public void RemovePeer(PeerId peer)
    {
    }

    private TipSet FindHeaders(TipSetKey key)
    {
        if (_planted.TryGetValue(key, out FullTipSet? planted))
        {
            return planted.TipSet;
        }

        foreach (ChainBuilder chain in _chains)
        {
            if (chain.TryGetFullTipSet(key, out FullTipSet? full))
            {
                return full.TipSet;
            }
        }

        throw new ExchangeFailedException($"no peer has {key}");
    }

    private FullTipSet Find(TipSetKey key)
    {
        if (_planted.TryGetValue(key, out FullTipSet? planted))
        {
            return planted;
        }

        foreach (ChainBuilder chain in _chains)
        {
            if (chain.TryGetFullTipSet(key, out FullTipSet? full))
            {
                if (chain.IsServedWithWrongMessages(key))
                {
                    throw new ExchangeFailedException($"the messages served for block {key.Cids[0]} do not match its message root");
                }

                return full;
            }
        }

        throw new ExchangeFailedException($"no peer has {key}");
    }

    private void ThrowIfUnreachable()
    {
        if (Unreachable)
        {
            throw new ExchangeFailedException("no peer could answer");
        }
    }
}
