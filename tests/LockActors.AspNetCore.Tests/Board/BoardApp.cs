using Akka.Hosting;
using LockActors.Hosting;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.TestHost;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace LockActors.AspNetCore.Tests.Board;

/// <summary>
/// A web app with a lock manager and its board at <c>/locks</c>, served in memory (for the JSON
/// specs) or by Kestrel on a free loopback port (for the browser). <see cref="Locks"/> takes the
/// locks the board is to show.
/// </summary>
internal sealed class BoardApp : IAsyncDisposable
{
    private readonly WebApplication _app;

    private BoardApp(WebApplication app, LockClient locks, Akka.Actor.IActorRef manager)
    {
        _app = app;
        Locks = locks;
        Manager = manager;
    }

    /// <summary>A client of the board's manager.</summary>
    public LockClient Locks { get; }

    /// <summary>The manager the board shows.</summary>
    public Akka.Actor.IActorRef Manager { get; }

    /// <summary>The address the app listens on (Kestrel only).</summary>
    public Uri Address => new(_app.Urls.First());

    /// <summary>A client of the in-memory server (TestServer only).</summary>
    public HttpClient CreateClient() => _app.GetTestClient();

    public static async Task<BoardApp> StartAsync(bool kestrel = false)
    {
        var builder = WebApplication.CreateBuilder();
        builder.Logging.ClearProviders();
        if (kestrel)
        {
            builder.WebHost.UseUrls("http://127.0.0.1:0");
        }
        else
        {
            builder.WebHost.UseTestServer();
        }

        builder.Services.AddAkka("board", akka => akka.WithLockManager("locks"));
        var app = builder.Build();
        app.MapLockBoard("/locks");
        try
        {
            await app.StartAsync();
            var manager = await app.Services.GetRequiredService<IRequiredActor<LockManager>>().GetAsync();
            return new BoardApp(app, new LockClient(manager), manager);
        }
        catch
        {
            await app.DisposeAsync();
            throw;
        }
    }

    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync();
        await _app.DisposeAsync();
    }
}
