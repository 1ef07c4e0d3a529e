using Akka.Actor;
using LockActors;
using LockActors.Samples;

// A tour of LockActors: a lock manager embedded in an Akka.Hosting app, logging through Serilog.
// Run it with: dotnet run --project samples/LockActors.Sample

// Chapter 3 kills an actor on purpose; Akka reports every Kill as an error with a stack trace.
await using var host = await SampleHost.StartAsync("lock-actors-sample", args,
    settings => settings with { Metadata = "bank-db" },
    hideLogEvent: e => e.Exception is ActorKilledException);
var (system, locks) = (host.System, host.Locks);
var client = new LockClient(locks);

await Chapter1_TheRace(client);
await Chapter2_Transfers(client);
await Chapter3_CrashRelease(system, locks, client);
await Chapter4_GiveAwayWhereIsAndTokens(system, client);

Say("The end: every lock was released, nothing leaked.");
return 0;

static async Task Chapter1_TheRace(LockClient client)
{
    Title("1. The race: two deposits of $50 into an account holding $0");
    var bank = new Bank();

    bank.Set("alice", 0);
    await Task.WhenAll(bank.DepositAsync("alice", 50), bank.DepositAsync("alice", 50));
    Say($"without a lock: both read $0, both wrote $50 -> balance ${bank.Get("alice")}");

    bank.Set("alice", 0);
    await Task.WhenAll(
        client.WithLockAsync("account:alice", _ => bank.DepositAsync("alice", 50)),
        client.WithLockAsync("account:alice", _ => bank.DepositAsync("alice", 50)));
    Say($"with a lock on account:alice: the second read waits for the first write -> balance ${bank.Get("alice")}");
}

static async Task Chapter2_Transfers(LockClient client)
{
    Title("2. Transfers with AwaitAll: both accounts at once, in any order, no deadlock");
    var bank = new Bank();
    string[] accounts = ["a", "b", "c", "d"];
    foreach (var account in accounts)
    {
        bank.Set(account, 1_000);
    }

    var random = new Random(7);
    var transfers = Enumerable.Range(0, 200).Select(_ =>
    {
        var from = accounts[random.Next(accounts.Length)];
        var to = accounts.Where(a => a != from).ElementAt(random.Next(accounts.Length - 1));
        var amount = random.Next(1, 50);
        // a->b and b->a lock the same two keys in opposite orders: AwaitAll is atomic, so
        // neither can hold one key while waiting for the other.
        return client.WithLockAllAsync([$"account:{from}", $"account:{to}"], _ => bank.TransferAsync(from, to, amount));
    }).ToArray();
    await Task.WhenAll(transfers);

    Say($"200 concurrent transfers done; balances {string.Join(", ", accounts.Select(a => $"{a}=${bank.Get(a)}"))}; total ${accounts.Sum(bank.Get)} (was $4000)");
}

static async Task Chapter3_CrashRelease(ActorSystem system, IActorRef locks, LockClient client)
{
    Title("3. Crash release: the owner dies, the waiter proceeds");
    var worker = system.ActorOf(Props.Create(() => new Worker()), "report-writer");
    var workerClient = new LockClient(locks, new LockClientOptions { Owner = worker });
    var held = await workerClient.LockAsync("printer");
    Say($"report-writer holds 'printer' (fencing token {held.FencingToken})");

    var waiting = client.LockAsync("printer", LockOptions.Within(Timeout.InfiniteTimeSpan));
    await WaitForWaiter(client, "printer");
    Say("an invoice job waits for 'printer'; now report-writer crashes (Kill)");

    worker.Tell(Kill.Instance);
    await using var mine = await waiting.WaitAsync(TimeSpan.FromSeconds(10));
    Say($"the invoice job got 'printer' (fencing token {mine.FencingToken}) as soon as the manager saw the crash");
}

static async Task Chapter4_GiveAwayWhereIsAndTokens(ActorSystem system, LockClient client)
{
    Title("4. Give-away, where-is, metadata and fencing tokens");
    var heirReceived = new TaskCompletionSource<LockTransferred>(TaskCreationOptions.RunContinuationsAsynchronously);
    var heir = system.ActorOf(Props.Create(() => new Heir(heirReceived)), "heir");

    var handle = await client.LockAsync("ledger");
    Say($"took 'ledger': token {handle.FencingToken}, metadata '{handle.Grant.Metadata}', owner {handle.Owner.Path}");

    await handle.GiveAwayAsync(heir, giftData: "closing balance: $4000");
    var transfer = await heirReceived.Task.WaitAsync(TimeSpan.FromSeconds(10));
    Say($"gave 'ledger' to {heir.Path.Name}: it received a new grant (token {transfer.Grant.FencingToken}) and the gift '{transfer.GiftData}'");
    Say($"where is 'ledger'? {(await client.WhereIsAsync("ledger"))?.Path.Name}");

    var tokens = new List<long>();
    for (var i = 0; i < 3; i++)
    {
        await using var h = await client.LockAsync("audit");
        tokens.Add(h.FencingToken);
    }

    Say($"three grants of 'audit' in a row carry rising fencing tokens: {string.Join(" < ", tokens)}");
    Say("a store that remembers the highest token it has seen can reject a write from a holder whose lock has moved on");
    heir.Tell(PoisonPill.Instance);

    // The manager frees what a stopped owner held once it learns of the death: wait for that.
    while (await client.WhereIsAsync("ledger") is not null)
    {
        await Task.Yield();
    }

    Say("the heir stopped: the manager released 'ledger' on its death");
}

static async Task WaitForWaiter(LockClient client, string key)
{
    while ((await client.InspectAsync(key)).Waiters.Count == 0)
    {
        await Task.Yield();
    }
}

static void Title(string text) => Console.WriteLine($"{Environment.NewLine}== {text}");

static void Say(string text) => Console.WriteLine($"   {text}");

/// <summary>An in-memory account store whose reads and writes take a little time, like a database.</summary>
internal sealed class Bank
{
    private readonly Dictionary<string, int> _balances = new();

    public void Set(string account, int amount)
    {
        lock (_balances)
        {
            _balances[account] = amount;
        }
    }

    public int Get(string account)
    {
        lock (_balances)
        {
            return _balances[account];
        }
    }

    public async Task DepositAsync(string account, int amount)
    {
        var balance = Get(account);
        await Task.Delay(50); // the round trip to the database: plenty of time for a race
        Set(account, balance + amount);
    }

    public async Task TransferAsync(string from, string to, int amount)
    {
        var fromBalance = Get(from);
        var toBalance = Get(to);
        await Task.Yield();
        Set(from, fromBalance - amount);
        Set(to, toBalance + amount);
    }
}

/// <summary>An actor that owns a lock and does nothing else until it is killed.</summary>
internal sealed class Worker : ReceiveActor;

/// <summary>Receives a lock given away to it.</summary>
internal sealed class Heir : ReceiveActor
{
    public Heir(TaskCompletionSource<LockTransferred> received)
    {
        Receive<LockTransferred>(t => received.TrySetResult(t));
    }
}
