using System.Text.Json;

namespace Venus.ChainSync.Benchmarks;

/// <summary>Real network data for the benchmarks, read from <c>../shared/vectors</c> beside the repository.</summary>
internal static class BenchmarkData
{
    private static readonly Lazy<string> VectorsFolder = new(Find);

    /// <summary>The real 1 028-byte mainnet header (height 423 552, miner f021344, 4 parents).</summary>
    public static byte[] MainnetHeader() => VectorHex("blockheader_venus_mainnet_f021344");

    /// <summary>A 126-byte serialization-vector message.</summary>
    public static byte[] Message() => VectorHex("sv_unsigned_message_3");

    /// <summary>The mainnet genesis CAR.</summary>
    public static byte[] MainnetCar() => File.ReadAllBytes(Path.Combine(VectorsFolder.Value, "genesis", "mainnet.car"));

    private static byte[] VectorHex(string name)
    {
        using JsonDocument doc = JsonDocument.Parse(File.ReadAllBytes(Path.Combine(VectorsFolder.Value, "filecoin-vectors.json")));
        foreach (JsonElement v in doc.RootElement.GetProperty("vectors").EnumerateArray())
        {
            if (v.GetProperty("name").GetString() == name)
            {
                return Convert.FromHexString(v.GetProperty("cbor_hex").GetString()!);
            }
        }

        throw new KeyNotFoundException(name);
    }

    private static string Find()
    {
        foreach (string start in new[] { Environment.CurrentDirectory, AppContext.BaseDirectory })
        {
            for (var dir = new DirectoryInfo(start); dir is not null; dir = dir.Parent)
            {
                if (File.Exists(Path.Combine(dir.FullName, "Venus.ChainSync.sln")))
                {
                    string vectors = Path.GetFullPath(Path.Combine(dir.FullName, "..", "shared", "vectors"));
                    if (Directory.Exists(vectors))
                    {
                        return vectors;
                    }
                }
            }
        }

        throw new DirectoryNotFoundException("../shared/vectors was not found beside the repository root");
    }
}
