using Akka.Actor;
using LockActors.Table;
using LockActors.Tests.Table;
using Xunit;

namespace LockActors.Tests.Diagnostics;

// Guarantee: the overview queries report the table as it is. ListLocks pages through every key in
// use exactly once, in the order of the keys' text, with a prefix filter and bounded pages; a bad
// page size or cursor is refused naming it. GetHotKeys ranks keys by waits queued and by the oldest
// wait; GetWaitGraph draws an edge from each waiting owner to each holder of a key it waits for.
// Labels are carried into every view.
public sealed class OverviewTableSpecs
{
    private readonly TableFixture _t = new();
    private readonly IActorRef _asker = TableFixture.Ref("asker");

    [Fact]
    public void Ten_thousand_held_keys_are_listed_each_exactly_once_in_order_across_pages()
    {
        var owners = TableFixture.Refs("a", "b", "c");
        var keys = Enumerable.Range(0, 10_000).Select(i => $"order:{i}").ToArray();
        for (var i = 0; i < keys.Length; i++)
        {
            _t.Table.TryLock(owners[i % owners.Length], owners[i % owners.Length], keys[i]);
        }

        var listed = new List<KeyStatus>();
        string? cursor = null;
        var pages = 0;
        do
        {
            var page = List(new ListLocks(After: cursor, PageSize: 337));
            Assert.InRange(page.Keys.Count, 1, 337);
            Assert.Equal(10_000, page.KeysInUse);
            listed.AddRange(page.Keys);
            cursor = page.NextCursor;
            pages++;
        }
        while (cursor is not null);

        Assert.Equal(30, pages);
        var expected = keys.OrderBy(k => $"\"{k}\"", StringComparer.Ordinal).ToArray();
        Assert.Equal(expected, listed.Select(s => (string)s.Key).ToArray());
        Assert.All(listed, s => Assert.Equal(owners[Array.IndexOf(keys, (string)s.Key) % owners.Length], s.Owner));
    }

    [Fact]
    public void A_prefix_lists_only_the_keys_whose_text_starts_with_it()
    {
        var a = TableFixture.Ref("a");
        foreach (var key in new object[] { "order:1", "order:2", "user:1", "ord", 42, 420, 7 })
        {
            _t.Acquire(a, key);
        }

        Assert.Equal(["order:1", "order:2"], List(new ListLocks("order:")).Keys.Select(s => s.Key));
        Assert.Equal([42, 420], List(new ListLocks("42")).Keys.Select(s => s.Key));
        Assert.Empty(List(new ListLocks("nothing")).Keys);
        Assert.Equal(7, List(new ListLocks()).Keys.Count);
    }

    [Fact]
    public void Keys_with_the_same_text_are_never_split_across_pages()
    {
        // Two distinct objects that render alike and hash alike are the same place in the listing:
        // a page that would end between them runs over to take both, or the second would be lost.
        var a = TableFixture.Ref("a");
        var twins = new[] { new Twin(1), new Twin(2) };
        _t.Acquire(a, "a");
        _t.Acquire(a, twins[0]);
        _t.Acquire(a, twins[1]);
        _t.Acquire(a, "z");

        var first = List(new ListLocks(PageSize: 3));
        Assert.Equal(["a", "z", twins[0], twins[1]], first.Keys.Select(s => s.Key).OrderBy(k => k is Twin t ? "~" + t.Id : (string)k, StringComparer.Ordinal));
        Assert.Null(first.NextCursor);

        var byTwo = List(new ListLocks(PageSize: 2));
        Assert.Equal(["a", "z"], byTwo.Keys.Select(s => s.Key));
        Assert.Equal(2, List(new ListLocks(After: byTwo.NextCursor, PageSize: 1)).Keys.Count);
    }

    [Theory]
    [InlineData(0)]
    [InlineData(-1)]
    [InlineData(ListLocks.MaxPageSize + 1)]
    public void A_page_size_out_of_range_is_refused_naming_it(int pageSize)
    {
        var refused = Assert.IsType<LockRefused>(_t.Reply(_asker, () => _t.Table.ListLocks(_asker, new ListLocks(PageSize: pageSize))));
        Assert.Equal(RefusalReason.InvalidRequest, refused.Cause);
        Assert.Contains($"page size {pageSize}", refused.Message);
    }

    [Theory]
    [InlineData("")]
    [InlineData("not a cursor")]
    [InlineData("zzzzzzzz:\"k\"")]
    public void A_cursor_the_manager_did_not_hand_out_is_refused_naming_it(string cursor)
    {
        var refused = Assert.IsType<LockRefused>(_t.Reply(_asker, () => _t.Table.ListLocks(_asker, new ListLocks(After: cursor))));
        Assert.Equal(RefusalReason.InvalidRequest, refused.Cause);
        Assert.Contains($"cursor \"{cursor}\"", refused.Message);
    }

    [Fact]
    public void Listed_keys_show_holders_and_waits_with_their_labels()
    {
        var (a, b) = (TableFixture.Ref("a"), TableFixture.Ref("b"));
        _t.Check(() => _t.Table.Await(a, a, "k", null, Terms("import job"), _t.Now));
        _t.Check(() => _t.Table.Await(b, b, "k", Timeout.InfiniteTimeSpan, Terms("user 7"), _t.Now));

        var status = Assert.Single(List(new ListLocks()).Keys);
        Assert.Equal("import job", Assert.Single(status.Holders).Label);
        Assert.Equal("user 7", Assert.Single(status.Queue).Label);
        Assert.Equal(status, _t.Status("k"));
    }

    [Fact]
    public void A_busy_answer_names_the_holder_and_its_label()
    {
        var (a, b) = (TableFixture.Ref("a"), TableFixture.Ref("b"));
        _t.Check(() => _t.Table.TryLock(a, a, "k", Terms("checkout #12")));

        var busy = Assert.IsType<LockBusy>(_t.Reply(b, () => _t.Table.TryLock(b, b, "k", Terms("checkout #13"))));
        Assert.Equal(a, busy.Owner);
        Assert.Equal("checkout #12", busy.OwnerLabel);
        Assert.Equal("checkout #12", Assert.IsType<LockBusy>(_t.TryLock(a, "k")).OwnerLabel);
    }

    [Fact]
    public void Hot_keys_rank_keys_by_waits_queued_and_by_the_oldest_wait()
    {
        var (holder, w1, w2, w3) = (TableFixture.Ref("holder"), TableFixture.Ref("w1"), TableFixture.Ref("w2"), TableFixture.Ref("w3"));
        _t.Acquire(holder, "old");
        _t.Acquire(holder, "busy");
        _t.Acquire(holder, "calm");
        _t.Now = 1_000;
        _t.Await(w1, "old", Timeout.InfiniteTimeSpan);
        _t.Now = 4_000;
        _t.Await(w2, "busy", Timeout.InfiniteTimeSpan);
        _t.Await(w3, "busy", Timeout.InfiniteTimeSpan);

        var hot = Assert.IsType<HotKeys>(_t.Reply(_asker, () => _t.Table.HotKeys(_asker, 5, now: 6_000)));
        Assert.Equal([("busy", 2, 2_000.0), ("old", 1, 5_000.0)], hot.ByWaiters.Select(k => ((string)k.Key, k.Waiters, k.LongestWait.TotalMilliseconds)));
        Assert.Equal(["old", "busy"], hot.ByLongestWait.Select(k => k.Key));

        var top1 = Assert.IsType<HotKeys>(_t.Reply(_asker, () => _t.Table.HotKeys(_asker, 1, now: 6_000)));
        Assert.Equal("busy", Assert.Single(top1.ByWaiters).Key);
        Assert.Equal("old", Assert.Single(top1.ByLongestWait).Key);

        var refused = Assert.IsType<LockRefused>(_t.Reply(_asker, () => _t.Table.HotKeys(_asker, 0, now: 6_000)));
        Assert.Contains("count 0", refused.Message);
    }

    [Fact]
    public void The_wait_graph_has_an_edge_from_each_waiter_to_each_holder_of_a_key_it_waits_for()
    {
        var (r1, r2, w, x) = (TableFixture.Ref("r1"), TableFixture.Ref("r2"), TableFixture.Ref("w"), TableFixture.Ref("x"));
        _t.Check(() => _t.Table.Await(r1, r1, "doc", null, Terms("reader 1") with { Mode = LockMode.Shared }, _t.Now));
        _t.Check(() => _t.Table.Await(r2, r2, "doc", null, Terms(null) with { Mode = LockMode.Shared }, _t.Now));
        _t.Acquire(x, "other");
        _t.Check(() => _t.Table.AwaitAll(w, w, ["doc", "other"], Timeout.InfiniteTimeSpan, Terms("writer"), _t.Now));

        var graph = Assert.IsType<WaitGraph>(_t.Reply(_asker, () => _t.Table.WaitGraph(_asker, 100)));
        Assert.False(graph.Truncated);
        Assert.Equal(
            [(w, "doc", r1, "writer", "reader 1"), (w, "doc", r2, "writer", null), (w, "other", x, "writer", null)],
            graph.Edges.Select(e => (e.Waiter, (string)e.Key, e.Holder, e.WaiterLabel, e.HolderLabel)));

        var cut = Assert.IsType<WaitGraph>(_t.Reply(_asker, () => _t.Table.WaitGraph(_asker, 2)));
        Assert.True(cut.Truncated);
        Assert.Equal(2, cut.Edges.Count);
    }

    [Fact]
    public void A_label_too_long_is_refused_naming_its_length_and_changes_nothing()
    {
        var a = TableFixture.Ref("a");
        var label = new string('x', LockOptions.MaxLabelLength + 1);

        var refused = Assert.IsType<LockRefused>(_t.Reply(a, () => _t.Table.TryLock(a, a, "k", Terms(label))));
        Assert.Equal(RefusalReason.InvalidRequest, refused.Cause);
        Assert.Contains($"got {label.Length}", refused.Message);
        Assert.Equal(KeyStatus.Free("k"), _t.Status("k"));
    }

    private static LockTerms Terms(string? label) => LockTerms.Default with { Label = label };

    private LockList List(ListLocks request) =>
        Assert.IsType<LockList>(_t.Reply(_asker, () => _t.Table.ListLocks(_asker, request)));

    /// <summary>A key whose instances all render and hash alike but are not equal.</summary>
    private sealed class Twin(int id)
    {
        public int Id => id;

        public override bool Equals(object? obj) => obj is Twin other && other.Id == Id;

        public override int GetHashCode() => 7;

        public override string ToString() => "twin";
    }
}
