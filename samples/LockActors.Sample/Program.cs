namespace LockActors.Sample; internal static class Program { private static void Main() { } }
