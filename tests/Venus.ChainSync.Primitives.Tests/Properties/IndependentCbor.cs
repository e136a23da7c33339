using System.Formats.Cbor;

namespace Venus.ChainSync.Primitives.Tests.Properties;

/// <summary>
/// A cross-check with a second, independent CBOR implementation: System.Formats.Cbor in canonical mode (RFC 7049
/// canonical: shortest heads, definite lengths, length-first sorted unique map keys, valid UTF-8) walks every item.
/// DAG-CBOR is that profile restricted further (tag 42 only, over a byte string), which the walk also checks.
/// </summary>
internal static class IndependentCbor
{
    /// <summary>Fails unless <paramref name="encoded"/> is exactly one canonical item that uses no tag but 42.</summary>
    public static void AssertCanonical(ReadOnlyMemory<byte> encoded)
    {
        var reader = new CborReader(encoded, CborConformanceMode.Canonical, allowMultipleRootLevelValues: false);
        Walk(reader);
        Assert.Equal(0, reader.BytesRemaining);
        Assert.Equal(CborReaderState.Finished, reader.PeekState());
    }

    private static void Walk(CborReader reader)
    {
        CborReaderState state = reader.PeekState();
        switch (state)
        {
            case CborReaderState.UnsignedInteger:
                reader.ReadUInt64();
                break;
            case CborReaderState.NegativeInteger:
                reader.ReadCborNegativeIntegerRepresentation();
                break;
            case CborReaderState.ByteString:
                reader.ReadByteString();
                break;
            case CborReaderState.TextString:
                reader.ReadTextString();
                break;
            case CborReaderState.StartArray:
                {
                    int? count = reader.ReadStartArray();
                    Assert.NotNull(count);
                    for (int i = 0; i < count; i++)
                    {
                        Walk(reader);
                    }

                    reader.ReadEndArray();
                    break;
                }

            case CborReaderState.StartMap:
                {
                    int? count = reader.ReadStartMap();
                    Assert.NotNull(count);
                    for (int i = 0; i < count; i++)
                    {
                        Assert.Equal(CborReaderState.TextString, reader.PeekState());
                        Walk(reader);
                        Walk(reader);
                    }

                    reader.ReadEndMap();
                    break;
                }

            case CborReaderState.Tag:
                {
                    Assert.Equal((CborTag)42, reader.ReadTag());
                    Assert.Equal(CborReaderState.ByteString, reader.PeekState());
                    byte[] cid = reader.ReadByteString();
                    Assert.NotEmpty(cid);
                    Assert.Equal(0x00, cid[0]);
                    Assert.True(Cid.TryFromBytes(cid.AsSpan(1), out _, out _));
                    break;
                }

            case CborReaderState.Null:
                reader.ReadNull();
                break;
            case CborReaderState.Boolean:
                reader.ReadBoolean();
                break;
            case CborReaderState.DoublePrecisionFloat:
                Assert.True(double.IsFinite(reader.ReadDouble()));
                break;
            default:
                Assert.Fail($"DAG-CBOR has no item of state {state}");
                break;
        }
    }
}
