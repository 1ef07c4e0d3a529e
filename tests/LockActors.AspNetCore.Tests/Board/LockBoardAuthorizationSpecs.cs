// Guarantee: MapLockBoard returns the conventions of every board endpoint, so one
// RequireAuthorization() protects the page, its assets and its JSON alike.

using System.Net;
using System.Text.Encodings.Web;
using Akka.Hosting;
using LockActors.Hosting;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.TestHost;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Xunit;

namespace LockActors.AspNetCore.Tests.Board;

public sealed class LockBoardAuthorizationSpecs
{
    [Theory]
    [InlineData("/locks/")]
    [InlineData("/locks/board.js")]
    [InlineData("/locks/board.css")]
    [InlineData("/locks/board.svg")]
    [InlineData("/locks/api/locks")]
    [InlineData("/locks/api/hot")]
    [InlineData("/locks/api/graph")]
    public async Task RequireAuthorization_on_the_board_protects_every_endpoint(string path)
    {
        var builder = WebApplication.CreateBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.UseTestServer();
        builder.Services.AddAkka("board", akka => akka.WithLockManager("locks"));
        builder.Services.AddAuthentication(Anonymous.Name).AddScheme<AuthenticationSchemeOptions, Anonymous>(Anonymous.Name, null);
        builder.Services.AddAuthorization();
        await using var app = builder.Build();
        app.UseAuthentication();
        app.UseAuthorization();
        app.MapLockBoard("/locks").RequireAuthorization();
        app.MapGet("/open", () => "open");
        await app.StartAsync();
        using var http = app.GetTestClient();

        using var response = await http.GetAsync(path);

        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
        Assert.Equal("open", await http.GetStringAsync("/open"));
        await app.StopAsync();
    }

    /// <summary>A scheme that never authenticates anybody: every protected request is challenged with 401.</summary>
    private sealed class Anonymous(IOptionsMonitor<AuthenticationSchemeOptions> options, ILoggerFactory logger, UrlEncoder encoder)
        : AuthenticationHandler<AuthenticationSchemeOptions>(options, logger, encoder)
    {
        public const string Name = "anonymous";

        protected override Task<AuthenticateResult> HandleAuthenticateAsync() => Task.FromResult(AuthenticateResult.NoResult());
    }
}
