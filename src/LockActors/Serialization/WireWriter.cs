using Akka.Actor;
using Google.Protobuf;

namespace LockActors.Serialization;

/// <summary>
/// Writes one message in the protocol-buffers wire format, field by field, for
/// <see cref="LockProtocolSerializer"/>. Nested records (keys, grants, options, holders, waits) are
/// written with the wire format's delimited (group) encoding: a start tag, the fields, an end tag.
/// That needs no length in front, so a message is written in one pass without measuring it first.
/// </summary>
/// <remarks>
/// A field at its default value is left out; the reader fills in the same default, and skips any
/// field it does not know, so fields can be added later without breaking older readers.
/// </remarks>
internal sealed class WireWriter
{
    // Each thread keeps one buffer for the messages it writes; a buffer that had to grow past this
    // size for one large message is dropped afterwards rather than kept for ever.
    private const int InitialBuffer = 1024;
    private const int LargestKeptBuffer = 64 * 1024;

    [ThreadStatic]
    private static byte[]? t_buffer;

    private readonly CodedOutputStream _output;
    private readonly ExtendedActorSystem _system;

    private WireWriter(CodedOutputStream output, ExtendedActorSystem system)
    {
        _output = output;
        _system = system;
    }

    /// <summary>Writes <paramref name="message"/> with <paramref name="write"/> and returns exactly the bytes written.</summary>
    /// <remarks>
    /// The thread's buffer is taken for the duration of the call, so a payload whose own serializer
    /// comes back here (a grant as gift data, say) writes into a buffer of its own. A buffer that
    /// runs out of room is replaced by one twice its size and the message written again.
    /// </remarks>
    public static byte[] Write<T>(ExtendedActorSystem system, T message, Action<WireWriter, T> write)
    {
        var buffer = t_buffer ?? new byte[InitialBuffer];
        t_buffer = null;
        try
        {
            while (true)
            {
                var output = new CodedOutputStream(buffer);
                try
                {
                    write(new WireWriter(output, system), message);
                    output.Flush();
                    return buffer.AsSpan(0, (int)output.Position).ToArray();
                }
                catch (CodedOutputStream.OutOfSpaceException)
                {
                    buffer = new byte[buffer.Length * 2];
                }
            }
        }
        finally
        {
            if (buffer.Length <= LargestKeptBuffer)
            {
                t_buffer = buffer;
            }
        }
    }

    /// <summary>A string, left out when null.</summary>
    public void String(int field, string? value)
    {
        if (value is not null)
        {
            _output.WriteTag(field, WireFormat.WireType.LengthDelimited);
            _output.WriteString(value);
        }
    }

    /// <summary>A signed 32-bit number, left out when it equals <paramref name="byDefault"/>.</summary>
    public void Int(int field, int value, int byDefault = 0)
    {
        if (value != byDefault)
        {
            _output.WriteTag(field, WireFormat.WireType.Varint);
            _output.WriteSInt32(value);
        }
    }

    /// <summary>A signed 64-bit number, left out when zero.</summary>
    public void Long(int field, long value)
    {
        if (value != 0)
        {
            _output.WriteTag(field, WireFormat.WireType.Varint);
            _output.WriteSInt64(value);
        }
    }

    /// <summary>A flag, left out when false.</summary>
    public void Bool(int field, bool value)
    {
        if (value)
        {
            _output.WriteTag(field, WireFormat.WireType.Varint);
            _output.WriteBool(true);
        }
    }

    /// <summary>A time span as ticks, left out when null (zero is written: it means "one attempt").</summary>
    public void Duration(int field, TimeSpan? value)
    {
        if (value is { } duration)
        {
            _output.WriteTag(field, WireFormat.WireType.Varint);
            _output.WriteSInt64(duration.Ticks);
        }
    }

    /// <summary>
    /// An actor reference as its serialized path, with the address the current transport asks for
    /// (<see cref="Akka.Serialization.Serialization.SerializedActorPath"/>); left out when null.
    /// </summary>
    public void Ref(int field, IActorRef? actor)
    {
        if (actor is not null)
        {
            String(field, Akka.Serialization.Serialization.SerializedActorPath(actor));
        }
    }

    /// <summary>A key or any other value (see <see cref="ValueFields"/>); left out when null.</summary>
    public void Value(int field, object? value)
    {
        if (value is not null)
        {
            ValueGroup(field, value);
        }
    }

    /// <summary>A list of keys, as one group holding a value group per key; left out when the list is null.</summary>
    /// <remarks>A null key inside the list is an empty value group, so positions are kept.</remarks>
    public void Keys(int field, IReadOnlyList<object>? keys)
    {
        if (keys is null)
        {
            return;
        }

        StartGroup(field);
        for (var i = 0; i < keys.Count; i++)
        {
            ValueGroup(1, keys[i]);
        }

        EndGroup(field);
    }

    /// <summary>A grant as a group (fields of <see cref="LockGrantFields"/>); left out when null.</summary>
    public void Grant(int field, LockGrant? grant)
    {
        if (grant is not null)
        {
            Group(field, grant, static (w, g) => w.LockGrantFields(g));
        }
    }

    /// <summary>Request terms as a group (fields of <see cref="LockOptionsFields"/>); left out when null.</summary>
    /// <remarks>Default terms are written as an empty group, so "absent" keeps meaning null.</remarks>
    public void Options(int field, LockOptions? options)
    {
        if (options is not null)
        {
            Group(field, options, static (w, o) => w.LockOptionsFields(o));
        }
    }

    /// <summary>One holder as a group (fields of <see cref="LockHolderFields"/>).</summary>
    public void Holder(int field, LockHolder holder) => Group(field, holder, static (w, h) => w.LockHolderFields(h));

    /// <summary>One wait as a group (fields of <see cref="LockWaiterFields"/>).</summary>
    public void Waiter(int field, LockWaiter waiter) => Group(field, waiter, static (w, wait) => w.LockWaiterFields(wait));

    /// <summary>Any record as a group, its fields written by <paramref name="fields"/>.</summary>
    public void Group<T>(int field, T value, Action<WireWriter, T> fields)
    {
        StartGroup(field);
        fields(this, value);
        EndGroup(field);
    }

    /// <summary>LockGrant { 1 keys, 2 is-multi, 3 owner, 4 fencing token, 5 metadata, 6 mode, 7 permits (default 1) }.</summary>
    public void LockGrantFields(LockGrant grant)
    {
        Keys(1, grant.Keys);
        Bool(2, grant.IsMulti);
        Ref(3, grant.Owner);
        Long(4, grant.FencingToken);
        Value(5, grant.Metadata);
        Int(6, (int)grant.Mode);
        Int(7, grant.Permits, byDefault: 1);
    }

    /// <summary>LockOptions { 1 mode, 2 permits (default 1), 3 capacity (default 1), 4 priority, 5 timeout ticks (absent: null), 6 label }.</summary>
    public void LockOptionsFields(LockOptions options)
    {
        Int(1, (int)options.Mode);
        Int(2, options.Permits, byDefault: 1);
        Int(3, options.Capacity, byDefault: 1);
        Int(4, options.Priority);
        Duration(5, options.Timeout);
        String(6, options.Label);
    }

    /// <summary>LockHolder { 1 owner, 2 mode, 3 permits (default 1), 4 fencing token, 5 label }.</summary>
    public void LockHolderFields(LockHolder holder)
    {
        Ref(1, holder.Owner);
        Int(2, (int)holder.Mode);
        Int(3, holder.Permits, byDefault: 1);
        Long(4, holder.FencingToken);
        String(5, holder.Label);
    }

    /// <summary>LockWaiter { 1 owner, 2 mode, 3 permits (default 1), 4 priority, 5 keys, 6 label }.</summary>
    public void LockWaiterFields(LockWaiter waiter)
    {
        Ref(1, waiter.Owner);
        Int(2, (int)waiter.Mode);
        Int(3, waiter.Permits, byDefault: 1);
        Int(4, waiter.Priority);
        Keys(5, waiter.Keys);
        String(6, waiter.Label);
    }

    /// <summary>
    /// Value { 1 string | 2 int | 3 long | 4 Guid (16 bytes) | 5 Payload }, one of them; none for null.
    /// Payload { 1 serializer id, 2 manifest (absent: empty), 3 bytes } carries any other value as
    /// Akka's serialization of it writes it, under the serializer bound to its type.
    /// </summary>
    private void ValueFields(object? value)
    {
        switch (value)
        {
            case null:
                break;
            case string text:
                _output.WriteTag(1, WireFormat.WireType.LengthDelimited);
                _output.WriteString(text);
                break;
            case int number:
                _output.WriteTag(2, WireFormat.WireType.Varint);
                _output.WriteSInt32(number);
                break;
            case long number:
                _output.WriteTag(3, WireFormat.WireType.Varint);
                _output.WriteSInt64(number);
                break;
            case Guid guid:
                Span<byte> bytes = stackalloc byte[16];
                guid.TryWriteBytes(bytes);
                _output.WriteTag(4, WireFormat.WireType.LengthDelimited);
                _output.WriteBytes(ByteString.CopyFrom(bytes));
                break;
            default:
                Payload(5, value);
                break;
        }
    }

    // The payload is serialized within this call, so its serializer sees the transport information
    // (the address to write into actor references) the caller of this serializer set up.
    private void Payload(int field, object value)
    {
        var serializer = _system.Serialization.FindSerializerFor(value);
        var manifest = Akka.Serialization.Serialization.ManifestFor(serializer, value);
        var bytes = serializer.ToBinary(value);
        StartGroup(field);
        _output.WriteTag(1, WireFormat.WireType.Varint);
        _output.WriteInt32(serializer.Identifier);
        if (!string.IsNullOrEmpty(manifest))
        {
            String(2, manifest);
        }

        _output.WriteTag(3, WireFormat.WireType.LengthDelimited);
        _output.WriteBytes(UnsafeByteOperations.UnsafeWrap(bytes));
        EndGroup(field);
    }

    private void ValueGroup(int field, object? value)
    {
        StartGroup(field);
        ValueFields(value);
        EndGroup(field);
    }

    private void StartGroup(int field) => _output.WriteTag(field, WireFormat.WireType.StartGroup);

    private void EndGroup(int field) => _output.WriteTag(field, WireFormat.WireType.EndGroup);
}
