using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using Azure.Storage.Blobs;
using Xunit;

namespace ServerlessMl.Testing;

/// <summary>
/// A real Azurite blob and table service for one test run: the pinned npm package from the
/// repository's node_modules, on free loopback ports, with a throw-away data folder. Tests can stop
/// and restart it to see what the app does while storage is down.
/// </summary>
public sealed class AzuriteFixture : IAsyncLifetime
{
    private const string Account = "devstoreaccount1";

    // Azurite's documented development key: it only ever exists on this machine.
    private const string Key = "Eby8vdM02xNOcqFlqUwJPLlmEtlCDXJ1OUzFT50uSRZ6IFsuFq2UVErCz4I6tq/K1SZFPTOtr/KBHBeksoGMGw==";

    private readonly string _dataFolder = Path.Combine(Path.GetTempPath(), "serverless-ml-azurite", Guid.NewGuid().ToString("N"));
    private readonly List<Process> _processes = [];

    /// <summary>The blob service's port.</summary>
    public int Port { get; private set; }

    public int TablePort { get; private set; }

    public string ConnectionString => ConnectionStringFor(Port, TablePort);

    /// <summary>A connection string to this account at the given ports (e.g. a proxy's, in front of each service).</summary>
    public static string ConnectionStringFor(int blobPort, int tablePort) =>
        $"DefaultEndpointsProtocol=http;AccountName={Account};AccountKey={Key};BlobEndpoint=http://127.0.0.1:{blobPort}/{Account};TableEndpoint=http://127.0.0.1:{tablePort}/{Account};";

    public BlobServiceClient CreateClient() => new(ConnectionString);

    public async Task InitializeAsync()
    {
        Port = FreePort();
        TablePort = FreePort();
        while (TablePort == Port)
        {
            TablePort = FreePort();
        }

        await StartAsync();
    }

    public async Task StartAsync()
    {
        Directory.CreateDirectory(_dataFolder);
        await StartServiceAsync("azurite-blob", "--blobHost", "--blobPort", Port);
        await StartServiceAsync("azurite-table", "--tableHost", "--tablePort", TablePort);
    }

    private async Task StartServiceAsync(string program, string hostFlag, string portFlag, int port)
    {
        var azurite = Path.Combine(RepoPaths.Root, "node_modules", ".bin", program);
        if (!File.Exists(azurite))
        {
            throw new InvalidOperationException($"Azurite is not installed at {azurite}: run `npm ci` in {RepoPaths.Root} (scripts/test.sh does).");
        }

        var start = new ProcessStartInfo(azurite)
        {
            UseShellExecute = false,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        foreach (var arg in new[]
        {
            hostFlag, "127.0.0.1", portFlag, port.ToString(System.Globalization.CultureInfo.InvariantCulture),
            "--location", _dataFolder, "--silent", "--loose", "--skipApiVersionCheck",
        })
        {
            start.ArgumentList.Add(arg);
        }

        var process = Process.Start(start) ?? throw new InvalidOperationException($"{program} did not start.");
        _processes.Add(process);
        process.OutputDataReceived += (_, _) => { };
        process.ErrorDataReceived += (_, _) => { };
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();

        if (!await Eventually.HoldsAsync(async () => process.HasExited || await CanConnectAsync(port)) || process.HasExited)
        {
            var exited = process.HasExited;
            await StopAsync(); // xunit does not dispose a fixture whose start failed: the process would outlive the run
            throw new InvalidOperationException($"{program} did not open port {port} (exited: {exited}).");
        }
    }

    /// <summary>Stops Azurite, keeping its data, so <see cref="StartAsync"/> brings the same storage back.</summary>
    public async Task StopAsync()
    {
        foreach (var process in _processes)
        {
            if (!process.HasExited)
            {
                process.Kill(entireProcessTree: true);
                await process.WaitForExitAsync();
            }

            process.Dispose();
        }

        _processes.Clear();
    }

    public async Task DisposeAsync()
    {
        await StopAsync();
        try
        {
            Directory.Delete(_dataFolder, recursive: true);
        }
        catch (IOException)
        {
            // Temp space; nothing depends on it.
        }
    }

    private static async Task<bool> CanConnectAsync(int port)
    {
        using var client = new TcpClient();
        try
        {
            await client.ConnectAsync(IPAddress.Loopback, port);
            return true;
        }
        catch (SocketException)
        {
            return false;
        }
    }

    /// <summary>A loopback port nothing listens on right now.</summary>
    public static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}
