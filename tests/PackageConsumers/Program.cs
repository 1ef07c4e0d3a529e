using Akka.Actor;
using Akka.Hosting;
using LockActors;
using LockActors.Hosting;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;

// Uses both packages the way an application does: a manager registered with Akka.Hosting with a
// setting from HOCON, its client from dependency injection, and a manager created directly in an
// actor system with the settings of the package's reference.conf. Exits 0 when every lock was
// granted and released and the HOCON setting reached the manager.

var builder = Host.CreateApplicationBuilder(args);
builder.Services.AddAkka("consumer", akka => akka
    .AddHocon("lockactors.manager.metadata = consumer-locks", HoconAddMode.Prepend)
    .WithLockManager("locks"));
builder.Services.AddLockClient();
using var host = builder.Build();
await host.StartAsync();

var client = host.Services.GetRequiredService<ILockClient>();
var metadata = await client.GetMetaAsync();
var token = await client.WithLockAsync("order:1", handle => Task.FromResult(handle.FencingToken));

var system = host.Services.GetRequiredService<ActorSystem>();
var direct = system.ActorOf(LockManager.Props(LockManagerSettings.Create(system)), "direct-locks");
var directClient = new LockClient(direct);
await using (var handle = await directClient.LockAsync("report", LockOptions.Within(TimeSpan.FromSeconds(10))))
{
    Console.WriteLine($"consumer: order:1 granted with fencing token {token} by {metadata}, report with {handle.FencingToken}");
}

await host.StopAsync();
return "consumer-locks".Equals(metadata) ? 0 : 1;
