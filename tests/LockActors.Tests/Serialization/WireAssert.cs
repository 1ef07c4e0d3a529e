using System.Collections;
using System.Reflection;
using Akka.Actor;
using Xunit;

namespace LockActors.Tests.Serialization;

/// <summary>
/// Compares a message with its round-tripped copy field by field: the same runtime type everywhere
/// (an <c>int</c> key must not come back as a <c>long</c>), lists item by item, actor references by
/// equality, and values of other types by their own <c>Equals</c>.
/// </summary>
public static class WireAssert
{
    public static void Same(object? expected, object? actual) => Same(expected, actual, expected?.GetType().Name ?? "message");

    private static void Same(object? expected, object? actual, string path)
    {
        Assert.True(path.Count(c => c == '.') < 8, $"{path}: nested too deep");
        if (expected is null || actual is null)
        {
            Assert.True(expected is null && actual is null, $"{path}: expected {expected ?? "null"}, got {actual ?? "null"}");
            return;
        }

        Assert.True(expected.GetType() == actual.GetType(), $"{path}: expected a {expected.GetType().Name}, got a {actual.GetType().Name} ({actual})");
        switch (expected)
        {
            case IActorRef:
                Assert.True(expected.Equals(actual), $"{path}: expected {expected}, got {actual}");
                return;
            case string or ValueType:
                Assert.True(expected.Equals(actual), $"{path}: expected {expected}, got {actual}");
                return;
            case IEnumerable items when expected is Array || expected.GetType().Assembly != typeof(LockManager).Assembly:
                var expectedItems = items.Cast<object?>().ToList();
                var actualItems = ((IEnumerable)actual).Cast<object?>().ToList();
                Assert.True(expectedItems.Count == actualItems.Count, $"{path}: expected {expectedItems.Count} items, got {actualItems.Count}");
                for (var i = 0; i < expectedItems.Count; i++)
                {
                    Same(expectedItems[i], actualItems[i], $"{path}[{i}]");
                }

                return;
        }

        if (expected.GetType().Assembly != typeof(LockManager).Assembly)
        {
            Assert.True(expected.Equals(actual), $"{path}: expected {expected}, got {actual}");
            return;
        }

        foreach (var property in expected.GetType().GetProperties(BindingFlags.Public | BindingFlags.Instance))
        {
            if (property.GetIndexParameters().Length == 0)
            {
                Same(property.GetValue(expected), property.GetValue(actual), $"{path}.{property.Name}");
            }
        }
    }
}
