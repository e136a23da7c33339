using System.Formats.Cbor;
using Venus.ChainSync.Primitives.Car;
using static Venus.ChainSync.Primitives.Tests.Car.CarTestData;

namespace Venus.ChainSync.Primitives.Tests.Car;

public class CarHeaderTests
{
    private const CborTag CidTag = (CborTag)42;

    private static readonly Cid Root = Cid.ComputeDagCbor("root"u8);

    public static TheoryData<string, byte[]> MalformedHeaders => new()
    {
        { "array instead of map", Concat([0x82], [0x81], Link(Root), [0x01]) },
        { "unknown key", Concat([0xa3], Text("extra"), [0x01], Text("roots"), [0x81], Link(Root), Text("version"), [0x01]) },
        { "keys out of order", Concat([0xa2], Text("version"), [0x01], Text("roots"), [0x81], Link(Root)) },
        { "duplicate version", Concat([0xa3], Text("roots"), [0x81], Link(Root), Text("version"), [0x01], Text("version"), [0x01]) },
        { "missing version", Concat([0xa1], Text("roots"), [0x81], Link(Root)) },
        { "missing roots", Concat([0xa1], Text("version"), [0x01]) },
        { "empty roots", Concat([0xa2], Text("roots"), [0x80], Text("version"), [0x01]) },
        { "version 3", Concat([0xa2], Text("roots"), [0x81], Link(Root), Text("version"), [0x03]) },
        { "version 0", Concat([0xa2], Text("roots"), [0x81], Link(Root), Text("version"), [0x00]) },
        { "non-minimal version", Concat([0xa2], Text("roots"), [0x81], Link(Root), Text("version"), [0x18, 0x01]) },
        { "version as text", Concat([0xa2], Text("roots"), [0x81], Link(Root), Text("version"), Text("1")) },
        { "root as a bare byte string", Concat([0xa2], Text("roots"), [0x81, 0x58, 0x26], Root.Bytes.ToArray(), Text("version"), [0x01]) },
        { "root without the 0x00 prefix", Concat([0xa2], Text("roots"), [0x81, 0xd8, 0x2a, 0x58, 0x26], Root.Bytes.ToArray(), Text("version"), [0x01]) },
        { "map claiming 1000 entries", Concat([0xb9, 0x03, 0xe8], Text("roots")) },
        { "roots claiming 1000 items", Concat([0xa2], Text("roots"), [0x99, 0x03, 0xe8], Link(Root), Text("version"), [0x01]) },
        { "indefinite map", Concat([0xbf], Text("roots"), [0x81], Link(Root), Text("version"), [0x01, 0xff]) },
        { "trailing byte", Concat(HeaderBytes(Root), [0x00]) },
        { "integer key", Concat([0xa2, 0x01, 0x01], Text("version"), [0x01]) },
    };

    [Theory]
    [MemberData(nameof(MalformedHeaders))]
    public async Task Malformed_header_is_refused_within_the_header(string why, byte[] header)
    {
        byte[] car = WithHeader(header, Section(Root, "root"u8.ToArray()));
        int prefix = Varint.SizeOf((ulong)header.Length);

        CarFormatException ex = await ReadExpectingFailureAsync(car);
        Assert.True(ex.Offset >= prefix && ex.Offset < prefix + header.Length, $"{why}: offset {ex.Offset}");
    }

    [Fact]
    public async Task Zero_length_header_is_refused()
    {
        CarFormatException ex = await ReadExpectingFailureAsync([0x00]);
        Assert.Equal(0, ex.Offset);
    }

    [Fact]
    public async Task Header_with_several_roots_including_cidv0_is_read_in_order()
    {
        Cid v0 = Cid.Parse("QmdfTbBqBPQ7VNxZEYEj14VmRuZBkqFbiwReogJgS1zR1n");
        Cid[] roots = [Root, v0, IdentityCid("x"u8)];

        await using CarReader reader = await CarReader.CreateAsync(new MemoryStream(WithHeader(HeaderBytes(roots))), cancellationToken: Guard());
        Assert.Equal(roots, reader.Roots);
        Assert.Equal(1, reader.Version);
    }

    [Fact]
    public async Task Written_header_is_canonical_cbor_by_an_independent_decoder()
    {
        Cid[] roots = [Root, Cid.ComputeDagCbor("second"u8)];
        var output = new MemoryStream();
        await using (await CarWriter.CreateAsync(output, roots, leaveOpen: true, Guard()))
        {
        }

        byte[] car = output.ToArray();
        Assert.True(Varint.TryRead(car, out ulong length, out int prefix));
        var cbor = new CborReader(car.AsMemory(prefix, (int)length), CborConformanceMode.Canonical);
        Assert.Equal(2, cbor.ReadStartMap());
        Assert.Equal("roots", cbor.ReadTextString());
        Assert.Equal(2, cbor.ReadStartArray());
        foreach (Cid root in roots)
        {
            Assert.Equal(CidTag, cbor.ReadTag());
            Assert.Equal([0x00, .. root.Bytes], cbor.ReadByteString());
        }

        cbor.ReadEndArray();
        Assert.Equal("version", cbor.ReadTextString());
        Assert.Equal(1, cbor.ReadInt32());
        cbor.ReadEndMap();
        Assert.Equal(0, cbor.BytesRemaining);
    }
}
