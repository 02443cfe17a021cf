using System.Net;
using System.Net.Sockets;

namespace LeNet5.Tests.Data;

/// <summary>
/// A small HTTP server on 127.0.0.1, started by a test: each path prefix is served by a handler. It only ever
/// listens on the loopback address and stops when disposed.
/// </summary>
internal sealed class LocalHttpServer : IAsyncDisposable
{
    private readonly HttpListener _listener = new();
    private readonly Dictionary<string, Func<HttpListenerContext, CancellationToken, Task>> _routes = new(StringComparer.Ordinal);
    private readonly CancellationTokenSource _stop = new();
    private readonly Task _loop;
    private int _requests;

    public LocalHttpServer()
    {
        for (int attempt = 0; ; attempt++)
        {
            int port = FreePort();
            _listener.Prefixes.Add($"http://127.0.0.1:{port}/");
            try
            {
                _listener.Start();
                BaseAddress = new Uri($"http://127.0.0.1:{port}/");
                break;
            }
            catch (HttpListenerException) when (attempt < 5)
            {
                _listener.Prefixes.Clear();
            }
        }

        _loop = Task.Run(LoopAsync);
    }

    public Uri BaseAddress { get; }

    public int Requests => Volatile.Read(ref _requests);

    /// <summary>An address on which nothing listens: connections are refused.</summary>
    public static Uri Unreachable() => new($"http://127.0.0.1:{FreePort()}/nothing/");

    public Uri Route(string prefix, Func<HttpListenerContext, CancellationToken, Task> handler)
    {
        _routes[prefix] = handler;
        return new Uri(BaseAddress, prefix + "/");
    }

    public Uri Serve(string prefix, byte[] body) => Route(prefix, (context, token) => WriteAsync(context, body, body.Length, token));

    public Uri Status(string prefix, HttpStatusCode status) => Route(prefix, (context, _) =>
    {
        context.Response.StatusCode = (int)status;
        context.Response.Close();
        return Task.CompletedTask;
    });

    /// <summary>Announces the whole length, sends half, then drops the connection.</summary>
    public Uri Truncate(string prefix, byte[] body) => Route(prefix, async (context, token) =>
    {
        context.Response.ContentLength64 = body.Length;
        await context.Response.OutputStream.WriteAsync(body.AsMemory(0, body.Length / 2), token);
        await context.Response.OutputStream.FlushAsync(token);
        context.Response.Abort();
    });

    /// <summary>Announces the whole length, sends a part, then sends nothing until the server stops.</summary>
    public Uri Stall(string prefix, byte[] body) => Route(prefix, async (context, token) =>
    {
        context.Response.ContentLength64 = body.Length;
        await context.Response.OutputStream.WriteAsync(body.AsMemory(0, body.Length / 3), token);
        await context.Response.OutputStream.FlushAsync(token);
        await Task.Delay(Timeout.Infinite, token);
    });

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync();
        _listener.Stop();
        try
        {
            await _loop;
        }
        catch (ObjectDisposedException)
        {
        }

        _listener.Close();
        _stop.Dispose();
    }

    private static async Task WriteAsync(HttpListenerContext context, byte[] body, int length, CancellationToken token)
    {
        context.Response.ContentLength64 = length;
        await context.Response.OutputStream.WriteAsync(body.AsMemory(0, length), token);
        context.Response.Close();
    }

    private static int FreePort()
    {
        var probe = new TcpListener(IPAddress.Loopback, 0);
        probe.Start();
        int port = ((IPEndPoint)probe.LocalEndpoint).Port;
        probe.Stop();
        return port;
    }

    private async Task LoopAsync()
    {
        while (!_stop.IsCancellationRequested)
        {
            HttpListenerContext context;
            try
            {
                context = await _listener.GetContextAsync();
            }
            catch (Exception ex) when (ex is HttpListenerException or ObjectDisposedException or InvalidOperationException)
            {
                return;
            }

            Interlocked.Increment(ref _requests);
            _ = Task.Run(() => HandleAsync(context));
        }
    }

    private async Task HandleAsync(HttpListenerContext context)
    {
        try
        {
            string path = context.Request.Url!.AbsolutePath.TrimStart('/');
            string prefix = path.Contains('/', StringComparison.Ordinal) ? path[..path.IndexOf('/', StringComparison.Ordinal)] : path;
            if (_routes.TryGetValue(prefix, out Func<HttpListenerContext, CancellationToken, Task>? handler))
            {
                await handler(context, _stop.Token);
            }
            else
            {
                context.Response.StatusCode = 404;
                context.Response.Close();
            }
        }
        catch (Exception ex) when (ex is OperationCanceledException or HttpListenerException or ObjectDisposedException or IOException or InvalidOperationException)
        {
            try
            {
                context.Response.Abort();
            }
            catch (ObjectDisposedException)
            {
            }
        }
    }
}
