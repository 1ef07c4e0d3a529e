using Akka.Hosting;
using LockActors;
using LockActors.Hosting;

var builder = WebApplication.CreateBuilder(args);

// An actor system with a lock manager, and an ILockClient for it in dependency injection.
builder.Services.AddAkka("app", akka => akka.WithLockManager("locks"));
builder.Services.AddLockClient();

var app = builder.Build();

// One request at a time ships a given order: the others wait for its lock (5 s at most by
// default, then they fail with LockTimeoutException).
app.MapPost("/orders/{id}/ship", (string id, ILockClient locks) =>
    locks.WithLockAsync($"order:{id}", handle =>
    {
        // Exclusive access to this order until the body returns. Pass handle.FencingToken to
        // the store, so that it refuses a write from a holder that has lost the lock.
        return Task.FromResult(Results.Ok(new { order = id, fencingToken = handle.FencingToken }));
    }));

app.Run();
