using System.Net;
using System.Net.Sockets;

namespace ServerlessMl.Testing;

/// <summary>
/// A loopback TCP proxy in front of a storage endpoint that a test can turn bad: forward (storage
/// as it is), refuse (connections reset: storage stopped) or hang (connections accepted and read,
/// never answered: a storage process that stopped responding). Switching closes the connections
/// open at the time, so pooled keep-alive connections see the new behaviour too.
/// </summary>
public sealed class StorageProxy : IAsyncDisposable
{
    private readonly TcpListener _listener = new(IPAddress.Loopback, 0);
    private readonly int _targetPort;
    private readonly CancellationTokenSource _stop = new();
    private readonly List<TcpClient> _open = [];
    private readonly Task _accepting;
    private volatile ProxyMode _mode = ProxyMode.Forward;

    public StorageProxy(int targetPort)
    {
        _targetPort = targetPort;
        _listener.Start();
        Port = ((IPEndPoint)_listener.LocalEndpoint).Port;
        _accepting = AcceptLoopAsync();
    }

    public int Port { get; }

    public ProxyMode Mode
    {
        get => _mode;
        set
        {
            _mode = value;
            lock (_open)
            {
                foreach (var client in _open)
                {
                    client.Dispose();
                }

                _open.Clear();
            }
        }
    }

    /// <summary>An Azurite connection string that goes through this proxy.</summary>
    public string ConnectionString(AzuriteFixture azurite)
    {
        ArgumentNullException.ThrowIfNull(azurite);
        return azurite.ConnectionString.Replace($"127.0.0.1:{azurite.Port}", $"127.0.0.1:{Port}", StringComparison.Ordinal);
    }

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync();
        _listener.Stop();
        Mode = ProxyMode.Refuse;
        try
        {
            await _accepting;
        }
        catch (Exception ex) when (ex is OperationCanceledException or SocketException or ObjectDisposedException)
        {
            // Stopped.
        }

        _stop.Dispose();
    }

    private async Task AcceptLoopAsync()
    {
        while (!_stop.IsCancellationRequested)
        {
            var client = await _listener.AcceptTcpClientAsync(_stop.Token);
            switch (_mode)
            {
                case ProxyMode.Refuse:
                    client.Client.LingerState = new LingerOption(true, 0); // RST, like a closed port
                    client.Dispose();
                    break;
                case ProxyMode.Hang:
                    Track(client);
                    _ = DrainAsync(client);
                    break;
                default:
                    Track(client);
                    _ = ForwardAsync(client);
                    break;
            }
        }
    }

    private void Track(TcpClient client)
    {
        lock (_open)
        {
            _open.Add(client);
        }
    }

    private async Task DrainAsync(TcpClient client)
    {
        var buffer = new byte[8192];
        try
        {
            var stream = client.GetStream();
            while (await stream.ReadAsync(buffer, _stop.Token) > 0)
            {
                // Read everything, answer nothing.
            }
        }
        catch (Exception ex) when (ex is IOException or ObjectDisposedException or OperationCanceledException or InvalidOperationException)
        {
            // Closed by a mode switch or the caller giving up.
        }
    }

    private async Task ForwardAsync(TcpClient client)
    {
        using var upstream = new TcpClient();
        try
        {
            await upstream.ConnectAsync(IPAddress.Loopback, _targetPort, _stop.Token);
            Track(upstream);
            var a = client.GetStream();
            var b = upstream.GetStream();
            await Task.WhenAny(a.CopyToAsync(b, _stop.Token), b.CopyToAsync(a, _stop.Token));
        }
        catch (Exception ex) when (ex is IOException or SocketException or ObjectDisposedException or OperationCanceledException or InvalidOperationException)
        {
            // Either side went away.
        }
        finally
        {
            client.Dispose();
        }
    }
}

public enum ProxyMode
{
    Forward,
    Refuse,
    Hang,
}
