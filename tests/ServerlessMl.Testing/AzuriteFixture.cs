using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using Azure.Storage.Blobs;
using Xunit;

namespace ServerlessMl.Testing;

/// <summary>
/// A real Azurite blob service for one test run: the pinned npm package from the repository's
/// node_modules, on a free loopback port, with a throw-away data folder. Tests can stop and
/// restart it to see what the app does while storage is down.
/// </summary>
public sealed class AzuriteFixture : IAsyncLifetime
{
    private const string Account = "devstoreaccount1";

    // Azurite's documented development key: it only ever exists on this machine.
    private const string Key = "Eby8vdM02xNOcqFlqUwJPLlmEtlCDXJ1OUzFT50uSRZ6IFsuFq2UVErCz4I6tq/K1SZFPTOtr/KBHBeksoGMGw==";

    private readonly string _dataFolder = Path.Combine(Path.GetTempPath(), "serverless-ml-azurite", Guid.NewGuid().ToString("N"));
    private Process? _process;

    public int Port { get; private set; }

    public string ConnectionString =>
        $"DefaultEndpointsProtocol=http;AccountName={Account};AccountKey={Key};BlobEndpoint=http://127.0.0.1:{Port}/{Account};";

    public BlobServiceClient CreateClient() => new(ConnectionString);

    public async Task InitializeAsync()
    {
        Port = FreePort();
        await StartAsync();
    }

    public async Task StartAsync()
    {
        var azurite = Path.Combine(RepoPaths.Root, "node_modules", ".bin", "azurite-blob");
        if (!File.Exists(azurite))
        {
            throw new InvalidOperationException($"Azurite is not installed at {azurite}: run `npm ci` in {RepoPaths.Root} (scripts/test.sh does).");
        }

        Directory.CreateDirectory(_dataFolder);
        var start = new ProcessStartInfo(azurite)
        {
            UseShellExecute = false,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        foreach (var arg in new[]
        {
            "--blobHost", "127.0.0.1", "--blobPort", Port.ToString(System.Globalization.CultureInfo.InvariantCulture),
            "--location", _dataFolder, "--silent", "--loose", "--skipApiVersionCheck",
        })
        {
            start.ArgumentList.Add(arg);
        }

        _process = Process.Start(start) ?? throw new InvalidOperationException("Azurite did not start.");
        _process.OutputDataReceived += (_, _) => { };
        _process.ErrorDataReceived += (_, _) => { };
        _process.BeginOutputReadLine();
        _process.BeginErrorReadLine();

        if (!await Eventually.HoldsAsync(async () => _process.HasExited || await CanConnectAsync()) || _process.HasExited)
        {
            var exited = _process.HasExited;
            await StopAsync(); // xunit does not dispose a fixture whose start failed: the process would outlive the run
            throw new InvalidOperationException($"Azurite did not open port {Port} (exited: {exited}).");
        }
    }

    /// <summary>Stops Azurite, keeping its data, so <see cref="StartAsync"/> brings the same storage back.</summary>
    public async Task StopAsync()
    {
        if (_process is { HasExited: false })
        {
            _process.Kill(entireProcessTree: true);
            await _process.WaitForExitAsync();
        }

        _process?.Dispose();
        _process = null;
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

    private async Task<bool> CanConnectAsync()
    {
        using var client = new TcpClient();
        try
        {
            await client.ConnectAsync(IPAddress.Loopback, Port);
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
