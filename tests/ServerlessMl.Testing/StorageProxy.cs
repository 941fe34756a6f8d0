using System.Net;
using System.Net.Sockets;

namespace ServerlessMl.Testing;

/// <summary>
/// A loopback TCP proxy in front of a storage endpoint that a test can turn bad: forward (storage
/// as it is), refuse (each connection is accepted and reset at once: storage gone) or hang
/// (connections accepted and read, never answered: a storage process that stopped responding).
/// Switching closes the connections open at the time, so pooled keep-alive connections see the
/// new behaviour too.
/// </summary>
public sealed class StorageProxy : IAsyncDisposable
{
    private readonly TcpListener _listener = new(IPAddress.Loopback, 0);
    private readonly int _targetPort;
    private readonly CancellationTokenSource _stop = new();
    private readonly HashSet<TcpClient> _open = [];
    private readonly List<Task> _pumps = [];
    private readonly Task _accepting;
    private ProxyMode _mode = ProxyMode.Forward;
    private int _held;

    public StorageProxy(int targetPort)
    {
        _targetPort = targetPort;
        _listener.Start();
        Port = ((IPEndPoint)_listener.LocalEndpoint).Port;
        _accepting = AcceptLoopAsync();
    }

    public int Port { get; }

    /// <summary>Connections accepted while hanging and never answered since the proxy started: someone is waiting on storage.</summary>
    public int Held => Volatile.Read(ref _held);

    public ProxyMode Mode
    {
        get
        {
            lock (_open)
            {
                return _mode;
            }
        }

        set
        {
            // One lock for the mode and the open connections: a connection accepted under the old
            // mode is either closed here or sees the new one.
            lock (_open)
            {
                _mode = value;
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
        Task[] pumps;
        lock (_open)
        {
            pumps = [_accepting, .. _pumps];
        }

        await Task.WhenAll(pumps).ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
        _stop.Dispose();
    }

    private async Task AcceptLoopAsync()
    {
        while (!_stop.IsCancellationRequested)
        {
            TcpClient client;
            try
            {
                client = await _listener.AcceptTcpClientAsync(_stop.Token);
            }
            catch (Exception ex) when (ex is SocketException or IOException && !_stop.IsCancellationRequested)
            {
                continue; // one connection went wrong before it was accepted: keep accepting
            }
            catch (Exception ex) when (ex is OperationCanceledException or SocketException or ObjectDisposedException)
            {
                return; // stopped
            }

            lock (_open)
            {
                if (_mode == ProxyMode.Refuse)
                {
                    client.Client.LingerState = new LingerOption(true, 0); // reset, not a polite close
                    client.Dispose();
                    continue;
                }

                _open.Add(client);
                _pumps.RemoveAll(t => t.IsCompleted);
                _pumps.Add(_mode == ProxyMode.Hang ? DrainAsync(client) : ForwardAsync(client));
            }
        }
    }

    private void Untrack(TcpClient client)
    {
        lock (_open)
        {
            _open.Remove(client);
        }

        client.Dispose();
    }

    private async Task DrainAsync(TcpClient client)
    {
        var buffer = new byte[8192];
        Interlocked.Increment(ref _held);
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
        finally
        {
            Untrack(client);
        }
    }

    private async Task ForwardAsync(TcpClient client)
    {
        var upstream = new TcpClient();
        try
        {
            await upstream.ConnectAsync(IPAddress.Loopback, _targetPort, _stop.Token);
            lock (_open)
            {
                _open.Add(upstream);
            }

            await Task.WhenAll(PumpAsync(client, upstream), PumpAsync(upstream, client));
        }
        catch (Exception ex) when (ex is IOException or SocketException or ObjectDisposedException or OperationCanceledException or InvalidOperationException)
        {
            // Either side went away.
        }
        finally
        {
            Untrack(upstream);
            Untrack(client);
        }
    }

    /// <summary>Copies one direction; at its end, half-closes the other side so replies still in flight arrive.</summary>
    private async Task PumpAsync(TcpClient from, TcpClient to)
    {
        try
        {
            await from.GetStream().CopyToAsync(to.GetStream(), _stop.Token);
            to.Client.Shutdown(SocketShutdown.Send);
        }
        catch (Exception ex) when (ex is IOException or SocketException or ObjectDisposedException or OperationCanceledException or InvalidOperationException)
        {
            // A mode switch or either side closing: the other pump ends too.
            from.Dispose();
            to.Dispose();
        }
    }
}

public enum ProxyMode
{
    Forward,
    Refuse,
    Hang,
}
