namespace Venus.ChainSync.Libp2p.Multiplexing;

/// <summary>
/// A frame waiting for the session's write loop. A data frame's payload is the sending stream's own buffer (not a
/// copy), so the stream keeps it untouched until <paramref name="Written"/> completes.
/// </summary>
/// <param name="Header">The header.</param>
/// <param name="Payload">The data payload; empty for every other type.</param>
/// <param name="Written">Completed once the frame is flushed to the connection (failed if it never will be); null
/// when nobody waits.</param>
internal readonly record struct YamuxOutgoingFrame(YamuxHeader Header, ReadOnlyMemory<byte> Payload, TaskCompletionSource? Written);
