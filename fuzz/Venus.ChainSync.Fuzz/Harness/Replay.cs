using System.Globalization;

namespace Venus.ChainSync.Fuzz.Harness;

/// <summary>
/// Runs a target's body over files, without afl-fuzz: how CI checks the corpus and how a developer replays a
/// finding. One line per input; the exception and its stack for each failure; a closing line with the largest
/// allocation seen, which is how the budgets were measured.
/// </summary>
internal static class Replay
{
    public static int Run(FuzzTarget target, IReadOnlyList<string> paths, TextWriter output)
    {
        List<string> files = [];
        foreach (string path in paths)
        {
            if (Directory.Exists(path))
            {
                files.AddRange(InputsUnder(path));
            }
            else if (File.Exists(path))
            {
                files.Add(path);
            }
            else
            {
                output.WriteLine($"no such file or folder: {path}");
                return 2;
            }
        }

        int failed = 0;
        long maxAllocated = 0;
        double maxPerByte = 0;
        foreach (string file in files)
        {
            byte[] input = File.ReadAllBytes(file);
            try
            {
                long allocated = target.Run(input);
                maxAllocated = Math.Max(maxAllocated, allocated);
                maxPerByte = Math.Max(maxPerByte, input.Length == 0 ? 0 : (double)allocated / input.Length);
                output.WriteLine(string.Create(CultureInfo.InvariantCulture, $"ok   {file} ({input.Length} B, {allocated} B allocated, limit {target.Budget.LimitFor(input.Length)})"));
            }
#pragma warning disable CA1031 // Any exception is the finding being replayed: report it and go on to the next input.
            catch (Exception ex)
#pragma warning restore CA1031
            {
                failed++;
                output.WriteLine($"FAIL {file} ({input.Length} B): {ex.GetType().FullName}: {ex.Message}");
                output.WriteLine($"     input: {Convert.ToHexStringLower(input.AsSpan(0, Math.Min(input.Length, 512)))}{(input.Length > 512 ? "…" : "")}");
                output.WriteLine(Indent(ex.ToString()));
            }
        }

        output.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"{target.Name}: {files.Count} inputs, {failed} failed; largest allocation {maxAllocated} B, largest per input byte {maxPerByte:F1} (budget {target.Budget})"));
        return failed == 0 ? 0 : 1;
    }

    /// <summary>Every file below <paramref name="folder"/>, skipping afl-fuzz's own (hidden state, README.txt).</summary>
    private static IEnumerable<string> InputsUnder(string folder) =>
        Directory.EnumerateFiles(folder, "*", SearchOption.AllDirectories)
            .Where(f => !Path.GetRelativePath(folder, f).Split(Path.DirectorySeparatorChar).Any(part => part.StartsWith('.')))
            .Where(f => !Path.GetFileName(f).Equals("README.txt", StringComparison.Ordinal) && !Path.GetFileName(f).Equals("README.md", StringComparison.Ordinal))
            .Order(StringComparer.Ordinal);

    private static string Indent(string text) => "     " + text.Replace("\n", "\n     ", StringComparison.Ordinal);
}
