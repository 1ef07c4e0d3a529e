using Akka.Actor;
using Akka.Hosting;
using LockActors;
using LockActors.Hosting;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;

// Uses both packages the way an application does: a manager registered with Akka.Hosting, a client
// over it, and a manager created directly in an actor system. Exits 0 when every lock was granted
// and released.

var builder = Host.CreateApplicationBuilder(args);
builder.Services.AddAkka("consumer", akka => akka.WithLockManager("locks"));
using var host = builder.Build();
await host.StartAsync();

var registered = await host.Services.GetRequiredService<IRequiredActor<LockManager>>().GetAsync();
var client = new LockClient(registered);
var token = await client.WithLockAsync("order:1", handle => Task.FromResult(handle.FencingToken));

var system = host.Services.GetRequiredService<ActorSystem>();
var direct = system.ActorOf(LockManager.Props(), "direct-locks");
var directClient = new LockClient(direct);
await using (var handle = await directClient.LockAsync("report", LockOptions.Within(TimeSpan.FromSeconds(10))))
{
    Console.WriteLine($"consumer: order:1 granted with fencing token {token}, report with {handle.FencingToken}");
}

await host.StopAsync();
return 0;
