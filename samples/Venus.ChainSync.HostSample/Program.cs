using Microsoft.Extensions.Hosting;
using Venus.ChainSync.HostSample;

// The whole composition is in HostSampleApp, so the sample's test runs exactly this host in-process.
using IHost host = HostSampleApp.CreateBuilder(args).Build();
await host.RunAsync().ConfigureAwait(false);
