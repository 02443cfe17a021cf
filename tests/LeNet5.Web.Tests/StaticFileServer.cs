using System.Net;
using System.Net.Sockets;

namespace LeNet5.Web.Tests;

/// <summary>
/// Serves a folder of static files (the published app's wwwroot) on a loopback port, as any web server would: GET
/// only, the file's bytes as they are (no Content-Encoding: the precompressed .br and .gz copies are not used), a
/// content type by extension, and index.html for the root.
/// </summary>
internal sealed class StaticFileServer : IDisposable
{
    private static readonly Dictionary<string, string> s_types = new(StringComparer.OrdinalIgnoreCase)
    {
        [".html"] = "text/html; charset=utf-8",
        [".js"] = "text/javascript; charset=utf-8",
        [".mjs"] = "text/javascript; charset=utf-8",
        [".css"] = "text/css; charset=utf-8",
        [".json"] = "application/json",
        [".wasm"] = "application/wasm",
        [".dat"] = "application/octet-stream",
        [".gz"] = "application/gzip",
        [".gzip"] = "application/gzip",
        [".safetensors"] = "application/octet-stream",
        [".png"] = "image/png",
        [".ico"] = "image/x-icon",
    };

    private readonly string _root;
    private readonly HttpListener _listener = new();
    private readonly Task _loop;

    public StaticFileServer(string root)
    {
        _root = Path.GetFullPath(root);
        Port = FreePort();
        _listener.Prefixes.Add($"http://127.0.0.1:{Port}/");
        _listener.Start();
        _loop = Task.Run(LoopAsync);
    }

    public int Port { get; }

    public Uri Address => new($"http://127.0.0.1:{Port}/");

    private static int FreePort()
    {
        using var socket = new TcpListener(IPAddress.Loopback, 0);
        socket.Start();
        return ((IPEndPoint)socket.LocalEndpoint).Port;
    }

    private async Task LoopAsync()
    {
        while (_listener.IsListening)
        {
            HttpListenerContext context;
            try
            {
                context = await _listener.GetContextAsync();
            }
            catch (Exception e) when (e is HttpListenerException or ObjectDisposedException or InvalidOperationException)
            {
                return;
            }
            _ = Task.Run(() => ServeAsync(context));
        }
    }

    private async Task ServeAsync(HttpListenerContext context)
    {
        var response = context.Response;
        try
        {
            string relative = Uri.UnescapeDataString(context.Request.Url!.AbsolutePath).TrimStart('/');
            if (relative.Length == 0)
                relative = "index.html";
            string path = Path.GetFullPath(Path.Combine(_root, relative));
            if (context.Request.HttpMethod != "GET" || !path.StartsWith(_root + Path.DirectorySeparatorChar, StringComparison.Ordinal) || !File.Exists(path))
            {
                response.StatusCode = 404;
                return;
            }
            byte[] bytes = await File.ReadAllBytesAsync(path);
            response.ContentType = s_types.GetValueOrDefault(Path.GetExtension(path), "application/octet-stream");
            response.Headers["Cache-Control"] = "no-store";
            response.ContentLength64 = bytes.Length;
            await response.OutputStream.WriteAsync(bytes);
        }
        catch (Exception e) when (e is HttpListenerException or IOException or ObjectDisposedException)
        {
            // The browser went away mid-response.
        }
        finally
        {
            try
            {
                response.Close();
            }
            catch (ObjectDisposedException)
            {
            }
        }
    }

    public void Dispose()
    {
        _listener.Stop();
        _listener.Close();
        try
        {
            _loop.Wait(TimeSpan.FromSeconds(5));
        }
        catch (AggregateException)
        {
        }
    }
}
