using Venus.ChainSync.Cli;

// The first Ctrl+C asks the running command to stop through its CancellationToken; a second one, while it is
// still stopping, ends the process the usual way.
using var cancellation = new CancellationTokenSource();
ConsoleCancelEventHandler onCancelKey = (_, e) =>
{
    if (!cancellation.IsCancellationRequested)
    {
        e.Cancel = true;
        cancellation.Cancel();
    }
};
Console.CancelKeyPress += onCancelKey;
try
{
    return await CliApp.RunAsync(args, Console.Out, Console.Error, cancellation.Token);
}
finally
{
    Console.CancelKeyPress -= onCancelKey;
}
