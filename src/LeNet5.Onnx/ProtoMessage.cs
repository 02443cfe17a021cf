using Google.Protobuf;

namespace LeNet5.Onnx;

/// <summary>
/// One protobuf message being written, field by field, with Google.Protobuf's <see cref="CodedOutputStream"/> and the
/// field numbers of onnx.proto (<see cref="OnnxFields"/>). A nested message is written whole into its own buffer first and
/// then embedded as a length-delimited field, which is exactly how protobuf encodes a sub-message, so no generated code is
/// needed. Repeated scalars are written unpacked, one tag per element: the encoding proto2 (onnx.proto's syntax) uses, and
/// one every protobuf parser reads.
/// </summary>
internal sealed class ProtoMessage
{
    private readonly MemoryStream _buffer = new();
    private readonly CodedOutputStream _output;

    public ProtoMessage() => _output = new CodedOutputStream(_buffer, leaveOpen: true);

    public ProtoMessage String(int field, string value)
    {
        _output.WriteTag(field, WireFormat.WireType.LengthDelimited);
        _output.WriteString(value);
        return this;
    }

    public ProtoMessage Int64(int field, long value)
    {
        _output.WriteTag(field, WireFormat.WireType.Varint);
        _output.WriteInt64(value);
        return this;
    }

    public ProtoMessage Int64s(int field, IEnumerable<long> values)
    {
        foreach (long value in values)
            Int64(field, value);
        return this;
    }

    public ProtoMessage Float(int field, float value)
    {
        _output.WriteTag(field, WireFormat.WireType.Fixed32);
        _output.WriteFloat(value);
        return this;
    }

    public ProtoMessage Bytes(int field, ReadOnlyMemory<byte> value)
    {
        _output.WriteTag(field, WireFormat.WireType.LengthDelimited);
        _output.WriteBytes(UnsafeByteOperations.UnsafeWrap(value));
        return this;
    }

    public ProtoMessage Message(int field, ProtoMessage message) => Bytes(field, message.ToArray());

    public ProtoMessage Messages(int field, IEnumerable<ProtoMessage> messages)
    {
        foreach (ProtoMessage message in messages)
            Message(field, message);
        return this;
    }

    /// <summary>The encoded message.</summary>
    public byte[] ToArray()
    {
        _output.Flush();
        return _buffer.ToArray();
    }
}
