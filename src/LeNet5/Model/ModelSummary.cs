using System.Globalization;
using System.Text;
using System.Text.Json;

namespace LeNet5.Model;

/// <summary>The per-layer table of a network (paper, Section II-B), with totals summed from the rows.</summary>
public sealed class ModelSummary
{
    internal ModelSummary(NetworkDefinition definition, IReadOnlyList<LayerSummary> layers)
    {
        Definition = definition;
        Layers = layers;
    }

    /// <summary>Which network this describes.</summary>
    public Architecture Architecture => Definition.Architecture;

    /// <summary>The whole definition: the architecture, and for Modern its activation and pooling.</summary>
    public NetworkDefinition Definition { get; }

    /// <summary>The network in words: <c>Classic</c>, or for example <c>Modern, ReLU, max pooling</c>.</summary>
    public string Title => Architecture == Architecture.Classic
        ? "Classic"
        : $"Modern, {(Definition.Activation == Activation.Tanh ? "tanh" : Definition.Activation.ToString())}, {Definition.Pooling.ToString().ToLowerInvariant()} pooling";

    /// <summary>One row per layer, input to output.</summary>
    public IReadOnlyList<LayerSummary> Layers { get; }

    /// <summary>Sum of the trainable parameters.</summary>
    public int Trainable => Layers.Sum(l => l.Trainable);

    /// <summary>Sum of the fixed parameters.</summary>
    public int Fixed => Layers.Sum(l => l.Fixed);

    /// <summary>Sum of the connections.</summary>
    public long Connections => Layers.Sum(l => l.Connections);

    /// <summary>A fixed-width text table.</summary>
    public string ToTable()
    {
        var text = new StringBuilder();
        text.AppendLine(CultureInfo.InvariantCulture, $"LeNet-5 ({Title})");
        text.AppendLine(CultureInfo.InvariantCulture, $"{"layer",-8}{"output",-12}{"trainable",12}{"fixed",8}{"connections",14}");
        foreach (var layer in Layers)
            text.AppendLine(CultureInfo.InvariantCulture, $"{layer.Name,-8}{layer.OutputText,-12}{layer.Trainable,12:N0}{layer.Fixed,8:N0}{layer.Connections,14:N0}");
        text.AppendLine(CultureInfo.InvariantCulture, $"{"total",-8}{"",-12}{Trainable,12:N0}{Fixed,8:N0}{Connections,14:N0}");
        return text.ToString();
    }

    /// <summary>
    /// <c>{"architecture":"Classic","layers":[{"name":"C1","output":[6,28,28],"trainable":156,"fixed":0,"connections":122304},…],"totals":{…}}</c>;
    /// a vector output (F6, the output layer) is written as a one-element array. For Modern, <c>"activation"</c>
    /// (<c>"Tanh"</c> or <c>"ReLU"</c>) and <c>"pooling"</c> (<c>"Average"</c> or <c>"Max"</c>) follow the architecture,
    /// as in a weights file's metadata.
    /// </summary>
    public string ToJson()
    {
        using var stream = new MemoryStream();
        using (var json = new Utf8JsonWriter(stream))
        {
            json.WriteStartObject();
            json.WriteString("architecture", Architecture.ToString());
            if (Architecture == Architecture.Modern)
            {
                json.WriteString("activation", Definition.Activation.ToString());
                json.WriteString("pooling", Definition.Pooling.ToString());
            }

            json.WriteStartArray("layers");
            foreach (var layer in Layers)
            {
                json.WriteStartObject();
                json.WriteString("name", layer.Name);
                json.WriteStartArray("output");
                foreach (int dimension in layer.Output)
                    json.WriteNumberValue(dimension);
                json.WriteEndArray();
                json.WriteNumber("trainable", layer.Trainable);
                json.WriteNumber("fixed", layer.Fixed);
                json.WriteNumber("connections", layer.Connections);
                json.WriteEndObject();
            }
            json.WriteEndArray();
            json.WriteStartObject("totals");
            json.WriteNumber("trainable", Trainable);
            json.WriteNumber("fixed", Fixed);
            json.WriteNumber("connections", Connections);
            json.WriteEndObject();
            json.WriteEndObject();
        }
        return Encoding.UTF8.GetString(stream.ToArray());
    }
}
