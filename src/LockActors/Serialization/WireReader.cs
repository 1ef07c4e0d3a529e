using System.Runtime.Serialization;
using Akka.Actor;
using Google.Protobuf;

namespace LockActors.Serialization;

/// <summary>
/// Reads what <see cref="WireWriter"/> wrote. A record is read field by field until its end: the end
/// of the bytes for a message, the matching end tag for a nested group. Fields it does not know are
/// skipped, fields it knows but finds with another wire type fail, and fields left out read as
/// their defaults.
/// </summary>
internal sealed class WireReader
{
    private readonly CodedInputStream _input;
    private readonly ExtendedActorSystem _system;

    /// <summary>A reader over one message's bytes.</summary>
    public WireReader(byte[] bytes, ExtendedActorSystem system)
    {
        _input = new CodedInputStream(bytes);
        _system = system;
    }

    /// <summary>
    /// The next field's tag, or 0 at the end of the record: <paramref name="end"/> is 0 for a whole
    /// message, and a group's end tag (<see cref="EndOf"/> its start tag) for a nested record.
    /// </summary>
    /// <exception cref="SerializationException">The bytes end inside a group.</exception>
    public uint Next(uint end)
    {
        var tag = _input.ReadTag();
        if (tag == end)
        {
            return 0;
        }

        return tag == 0
            ? throw new SerializationException("The message ends inside a nested record: the bytes are cut short.")
            : tag;
    }

    /// <summary>The end tag of the group that <paramref name="start"/> opens.</summary>
    public static uint EndOf(uint start) => WireFormat.MakeTag(WireFormat.GetTagFieldNumber(start), WireFormat.WireType.EndGroup);

    /// <summary>The field number of <paramref name="tag"/>.</summary>
    public static int Field(uint tag) => WireFormat.GetTagFieldNumber(tag);

    /// <summary>Skips the field just read (one this version does not know).</summary>
    public void Skip() => _input.SkipLastField();

    /// <summary>A string field.</summary>
    public string String(uint tag) => Checked(tag, WireFormat.WireType.LengthDelimited).ReadString();

    /// <summary>A signed 32-bit number field.</summary>
    public int Int(uint tag) => Checked(tag, WireFormat.WireType.Varint).ReadSInt32();

    /// <summary>A signed 64-bit number field.</summary>
    public long Long(uint tag) => Checked(tag, WireFormat.WireType.Varint).ReadSInt64();

    /// <summary>A flag field.</summary>
    public bool Bool(uint tag) => Checked(tag, WireFormat.WireType.Varint).ReadBool();

    /// <summary>A time span field, written as ticks.</summary>
    public TimeSpan Duration(uint tag) => TimeSpan.FromTicks(Long(tag));

    /// <summary>An actor reference field, resolved by the actor system's provider.</summary>
    public IActorRef Ref(uint tag) => _system.Provider.ResolveActorRef(String(tag));

    /// <summary>A value group: a key, or any other value carried as a payload.</summary>
    public object? Value(uint tag)
    {
        Expect(tag, WireFormat.WireType.StartGroup);
        var end = EndOf(tag);
        object? value = null;
        uint field;
        while ((field = Next(end)) != 0)
        {
            switch (Field(field))
            {
                case 1: value = String(field); break;
                case 2: value = Int(field); break;
                case 3: value = Long(field); break;
                case 4: value = Guid(field); break;
                case 5: value = Payload(field); break;
                default: Skip(); break;
            }
        }

        return value;
    }

    /// <summary>A key-list group, as the plain array every key list of the protocol is kept in.</summary>
    public object[] Keys(uint tag)
    {
        Expect(tag, WireFormat.WireType.StartGroup);
        var end = EndOf(tag);
        var keys = new List<object>();
        uint field;
        while ((field = Next(end)) != 0)
        {
            if (Field(field) == 1)
            {
                keys.Add(Value(field)!);
            }
            else
            {
                Skip();
            }
        }

        return keys.ToArray();
    }

    /// <summary>The start of a nested record's group: checks the wire type and returns the tag that ends it.</summary>
    public uint Group(uint tag)
    {
        Expect(tag, WireFormat.WireType.StartGroup);
        return EndOf(tag);
    }

    /// <summary>A grant group.</summary>
    public LockGrant Grant(uint tag) => LockGrantFields(Group(tag));

    /// <summary>A request-terms group.</summary>
    public LockOptions Options(uint tag) => LockOptionsFields(Group(tag));

    /// <summary>The fields of a grant, up to <paramref name="end"/> (see <see cref="WireWriter.LockGrantFields"/>).</summary>
    public LockGrant LockGrantFields(uint end)
    {
        object[]? keys = null;
        var isMulti = false;
        IActorRef? owner = null;
        long token = 0;
        object? metadata = null;
        var mode = LockMode.Exclusive;
        var permits = 1;
        uint field;
        while ((field = Next(end)) != 0)
        {
            switch (Field(field))
            {
                case 1: keys = Keys(field); break;
                case 2: isMulti = Bool(field); break;
                case 3: owner = Ref(field); break;
                case 4: token = Long(field); break;
                case 5: metadata = Value(field); break;
                case 6: mode = (LockMode)Int(field); break;
                case 7: permits = Int(field); break;
                default: Skip(); break;
            }
        }

        return new LockGrant(keys!, isMulti, owner!, token, metadata) { Mode = mode, Permits = permits };
    }

    /// <summary>
    /// The fields of request terms, up to <paramref name="end"/> (see <see cref="WireWriter.LockOptionsFields"/>);
    /// the shared <see cref="LockOptions.Exclusive"/> instance when every field has its default.
    /// </summary>
    /// <exception cref="ArgumentOutOfRangeException">A field is out of its range (no sender can make such terms).</exception>
    public LockOptions LockOptionsFields(uint end)
    {
        var mode = LockMode.Exclusive;
        int permits = 1, capacity = 1, priority = 0;
        TimeSpan? timeout = null;
        string? label = null;
        uint field;
        while ((field = Next(end)) != 0)
        {
            switch (Field(field))
            {
                case 1: mode = (LockMode)Int(field); break;
                case 2: permits = Int(field); break;
                case 3: capacity = Int(field); break;
                case 4: priority = Int(field); break;
                case 5: timeout = Duration(field); break;
                case 6: label = String(field); break;
                default: Skip(); break;
            }
        }

        if (mode == LockMode.Exclusive && permits == 1 && capacity == 1 && priority == 0 && timeout is null && label is null)
        {
            return LockOptions.Exclusive;
        }

        return new LockOptions { Mode = mode, Permits = permits, Capacity = capacity, Priority = priority, Timeout = timeout, Label = label };
    }

    /// <summary>The fields of a holder, up to <paramref name="end"/> (see <see cref="WireWriter.LockHolderFields"/>).</summary>
    public LockHolder LockHolderFields(uint end)
    {
        IActorRef? owner = null;
        var mode = LockMode.Exclusive;
        var permits = 1;
        long token = 0;
        string? label = null;
        uint field;
        while ((field = Next(end)) != 0)
        {
            switch (Field(field))
            {
                case 1: owner = Ref(field); break;
                case 2: mode = (LockMode)Int(field); break;
                case 3: permits = Int(field); break;
                case 4: token = Long(field); break;
                case 5: label = String(field); break;
                default: Skip(); break;
            }
        }

        return new LockHolder(owner!, mode, permits, token) { Label = label };
    }

    /// <summary>The fields of a wait, up to <paramref name="end"/> (see <see cref="WireWriter.LockWaiterFields"/>).</summary>
    public LockWaiter LockWaiterFields(uint end)
    {
        IActorRef? owner = null;
        var mode = LockMode.Exclusive;
        int permits = 1, priority = 0;
        object[]? keys = null;
        string? label = null;
        uint field;
        while ((field = Next(end)) != 0)
        {
            switch (Field(field))
            {
                case 1: owner = Ref(field); break;
                case 2: mode = (LockMode)Int(field); break;
                case 3: permits = Int(field); break;
                case 4: priority = Int(field); break;
                case 5: keys = Keys(field); break;
                case 6: label = String(field); break;
                default: Skip(); break;
            }
        }

        return new LockWaiter(owner!, mode, permits, priority, keys!) { Label = label };
    }

    private Guid Guid(uint tag)
    {
        var bytes = Checked(tag, WireFormat.WireType.LengthDelimited).ReadBytes();
        return bytes.Length == 16
            ? new Guid(bytes.Span)
            : throw new SerializationException($"A Guid key takes 16 bytes, got {bytes.Length}.");
    }

    private object Payload(uint tag)
    {
        var end = Group(tag);
        int? serializerId = null;
        var manifest = "";
        ByteString? bytes = null;
        uint field;
        while ((field = Next(end)) != 0)
        {
            switch (Field(field))
            {
                case 1: serializerId = Checked(field, WireFormat.WireType.Varint).ReadInt32(); break;
                case 2: manifest = String(field); break;
                case 3: bytes = Checked(field, WireFormat.WireType.LengthDelimited).ReadBytes(); break;
                default: Skip(); break;
            }
        }

        if (serializerId is not { } id || bytes is null)
        {
            throw new SerializationException("A value carried by another serializer lacks the serializer's id or its bytes.");
        }

        return _system.Serialization.Deserialize(bytes.ToByteArray(), id, manifest);
    }

    // The input, at the value of the field just read, once its wire type is checked.
    private CodedInputStream Checked(uint tag, WireFormat.WireType type)
    {
        Expect(tag, type);
        return _input;
    }

    private static void Expect(uint tag, WireFormat.WireType type)
    {
        if (WireFormat.GetTagWireType(tag) != type)
        {
            throw new SerializationException(
                $"Field {WireFormat.GetTagFieldNumber(tag)} has wire type {WireFormat.GetTagWireType(tag)}, expected {type}.");
        }
    }
}
