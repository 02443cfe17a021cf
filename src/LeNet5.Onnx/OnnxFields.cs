namespace LeNet5.Onnx;

/// <summary>
/// The field numbers and enum values of onnx.proto (the ONNX repository's onnx/onnx.proto, the normative syntax of the
/// format) that the exporter writes. Field numbers never change between ONNX releases, so these hold for every IR version.
/// </summary>
internal static class OnnxFields
{
    /// <summary>message ModelProto.</summary>
    public static class Model
    {
        public const int IrVersion = 1;
        public const int ProducerName = 2;
        public const int ProducerVersion = 3;
        public const int Domain = 4;
        public const int ModelVersion = 5;
        public const int DocString = 6;
        public const int Graph = 7;
        public const int OpsetImport = 8;
        public const int MetadataProps = 14;
    }

    /// <summary>message OperatorSetIdProto.</summary>
    public static class OperatorSetId
    {
        public const int Domain = 1;
        public const int Version = 2;
    }

    /// <summary>message StringStringEntryProto.</summary>
    public static class StringStringEntry
    {
        public const int Key = 1;
        public const int Value = 2;
    }

    /// <summary>message GraphProto.</summary>
    public static class Graph
    {
        public const int Node = 1;
        public const int Name = 2;
        public const int Initializer = 5;
        public const int DocString = 10;
        public const int Input = 11;
        public const int Output = 12;
    }

    /// <summary>message NodeProto.</summary>
    public static class Node
    {
        public const int Input = 1;
        public const int Output = 2;
        public const int Name = 3;
        public const int OpType = 4;
        public const int Attribute = 5;
        public const int DocString = 6;
    }

    /// <summary>message AttributeProto, and its AttributeType enum (field 20).</summary>
    public static class Attribute
    {
        public const int Name = 1;
        public const int F = 2;
        public const int I = 3;
        public const int Ints = 8;
        public const int Type = 20;

        public const int TypeFloat = 1;
        public const int TypeInt = 2;
        public const int TypeInts = 7;
    }

    /// <summary>message TensorProto, and its DataType enum (field 2).</summary>
    public static class Tensor
    {
        public const int Dims = 1;
        public const int DataType = 2;
        public const int Name = 8;
        public const int RawData = 9;
        public const int DocString = 12;

        public const int Float = 1;
        public const int Int64 = 7;
    }

    /// <summary>message ValueInfoProto.</summary>
    public static class ValueInfo
    {
        public const int Name = 1;
        public const int Type = 2;
        public const int DocString = 3;
    }

    /// <summary>message TypeProto (its oneof: tensor_type = 1) and TypeProto.Tensor.</summary>
    public static class Type
    {
        public const int TensorType = 1;
        public const int TensorElemType = 1;
        public const int TensorShape = 2;
    }

    /// <summary>message TensorShapeProto and TensorShapeProto.Dimension.</summary>
    public static class Shape
    {
        public const int Dim = 1;
        public const int DimValue = 1;
        public const int DimParam = 2;
    }
}
