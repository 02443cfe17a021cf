using Google.Protobuf;

namespace LeNet5.Onnx.Tests;

/// <summary>
/// Reads a protobuf message back into its fields with Google.Protobuf's CodedInputStream, independently of the exporter's
/// writer: varints as longs, length-delimited fields as bytes (a string or a sub-message), fixed32 as floats.
/// </summary>
internal sealed class ProtoReader
{
    private readonly List<(int Field, object Value)> _fields = [];

    public ProtoReader(byte[] message)
    {
        var input = new CodedInputStream(message);
        uint tag;
        while ((tag = input.ReadTag()) != 0)
        {
            int field = WireFormat.GetTagFieldNumber(tag);
            switch (WireFormat.GetTagWireType(tag))
            {
                case WireFormat.WireType.Varint:
                    _fields.Add((field, input.ReadInt64()));
                    break;
                case WireFormat.WireType.LengthDelimited:
                    _fields.Add((field, input.ReadBytes().ToByteArray()));
                    break;
                case WireFormat.WireType.Fixed32:
                    _fields.Add((field, input.ReadFloat()));
                    break;
                default:
                    input.SkipLastField();
                    break;
            }
        }
    }

    public long Int(int field) => Ints(field).Single();

    public IEnumerable<long> Ints(int field) => _fields.Where(f => f.Field == field).Select(f => (long)f.Value);

    public string String(int field) => Strings(field).Single();

    public string? OptionalString(int field) => Strings(field).SingleOrDefault();

    public IEnumerable<string> Strings(int field) => _fields.Where(f => f.Field == field).Select(f => System.Text.Encoding.UTF8.GetString((byte[])f.Value));

    public byte[] Bytes(int field) => _fields.Where(f => f.Field == field).Select(f => (byte[])f.Value).Single();

    public ProtoReader Message(int field) => Messages(field).Single();

    public IEnumerable<ProtoReader> Messages(int field) => _fields.Where(f => f.Field == field).Select(f => new ProtoReader((byte[])f.Value));
}
