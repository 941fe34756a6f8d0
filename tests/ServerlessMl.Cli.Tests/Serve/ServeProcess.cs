using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using System.Text;

namespace ServerlessMl.Cli.Tests.Serve;

/// <summary>A `serverless-ml serve` process on a free loopback port, stopped on dispose.</summary>
internal sealed class ServeProcess : IAsyncDisposable
{
    private readonly Process _process;
    private readonly StringBuilder _log = new();

    private ServeProcess(Process process, int port)
    {
        _process = process;
        Client = new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{port}"), Timeout = TimeSpan.FromSeconds(60) };
        process.OutputDataReceived += (_, e) => Append(e.Data);
        process.ErrorDataReceived += (_, e) => Append(e.Data);
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
    }

    public HttpClient Client { get; }

    public bool HasExited => _process.HasExited;

    public string Log
    {
        get
        {
            lock (_log)
            {
                return _log.ToString();
            }
        }
    }

    public static async Task<ServeProcess> StartAsync(IReadOnlyDictionary<string, string> environment, params string[] extraArgs)
    {
        var port = Testing.AzuriteFixture.FreePort();
        var start = CliRunner.StartInfo(environment, ["serve", "--port", port.ToString(System.Globalization.CultureInfo.InvariantCulture), .. extraArgs]);
        var serve = new ServeProcess(Process.Start(start)!, port);
        var deadline = DateTime.UtcNow + Testing.Eventually.Deadline;
        while (true)
        {
            if (serve.HasExited || DateTime.UtcNow > deadline)
            {
                var log = serve.Log;
                await serve.DisposeAsync();
                throw new InvalidOperationException($"serve did not start on port {port}:\n{log}");
            }

            try
            {
                using var response = await serve.Client.GetAsync("/api/health");
                return serve;
            }
            catch (HttpRequestException)
            {
                await Task.Delay(100);
            }
        }
    }

    public async ValueTask DisposeAsync()
    {
        Client.Dispose();
        if (!_process.HasExited)
        {
            _process.Kill(entireProcessTree: true);
            await _process.WaitForExitAsync();
        }

        _process.Dispose();
    }

    private void Append(string? line)
    {
        if (line is null)
        {
            return;
        }

        lock (_log)
        {
            _log.AppendLine(line);
        }
    }
}
