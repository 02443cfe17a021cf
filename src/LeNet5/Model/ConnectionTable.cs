namespace LeNet5.Model;

/// <summary>
/// Which input feature maps each output map of a convolution sees. Connections are numbered output map by
/// output map, inputs in ascending order, and the packed weights hold one kernel per connection in that
/// order; for a full table this is exactly PyTorch's [out, in, kh, kw] layout.
/// </summary>
public sealed class ConnectionTable
{
    private readonly int[] _inputOfConnection;
    private readonly int[] _outputOfConnection;
    private readonly int[] _firstConnectionOfOutput;
    private readonly int[] _connectionIndex; // [output * inputs + input] -> connection, or -1

    /// <summary>
    /// The paper's Table I: which S2 maps (rows 0–5) each C3 map (columns 0–15) takes as input; X marks a connection.
    /// The first six C3 maps see three contiguous S2 maps, the next six see four contiguous, the next three
    /// four discontinuous, and the last all six (Section II-B).
    /// </summary>
    public static ConnectionTable PaperC3 { get; } = FromPicture(
        """
        X . . . X X X . . X X X X . X X
        X X . . . X X X . . X X X X . X
        X X X . . . X X X . . X . X X X
        . X X X . . X X X X . . X . X X
        . . X X X . . X X X X . X X . X
        . . . X X X . . X X X X . X X X
        """,
        inputs: 6, outputs: 16);

    private ConnectionTable(int inputs, int outputs, bool[,] connected)
    {
        Inputs = inputs;
        Outputs = outputs;
        var ins = new List<int>();
        var outs = new List<int>();
        _firstConnectionOfOutput = new int[outputs + 1];
        _connectionIndex = new int[outputs * inputs];
        for (int o = 0; o < outputs; o++)
        {
            _firstConnectionOfOutput[o] = ins.Count;
            for (int i = 0; i < inputs; i++)
            {
                _connectionIndex[o * inputs + i] = connected[i, o] ? ins.Count : -1;
                if (connected[i, o])
                {
                    ins.Add(i);
                    outs.Add(o);
                }
            }
        }
        _firstConnectionOfOutput[outputs] = ins.Count;
        _inputOfConnection = [.. ins];
        _outputOfConnection = [.. outs];
    }

    /// <summary>Every output map sees every input map.</summary>
    public static ConnectionTable Full(int inputs, int outputs)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(inputs);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(outputs);
        var connected = new bool[inputs, outputs];
        for (int i = 0; i < inputs; i++)
        {
            for (int o = 0; o < outputs; o++)
                connected[i, o] = true;
        }

        return new ConnectionTable(inputs, outputs, connected);
    }

    /// <summary>
    /// Reads a table drawn as text: one line per input map, one column per output map (separated by single
    /// spaces), 'X' for a connection and '.' for none.
    /// </summary>
    public static ConnectionTable FromPicture(string picture, int inputs, int outputs)
    {
        ArgumentNullException.ThrowIfNull(picture);
        string[] lines = picture.Replace("\r", "", StringComparison.Ordinal).Split('\n');
        if (lines.Length != inputs)
            throw new ArgumentException($"Expected {inputs} lines, found {lines.Length}.", nameof(picture));
        var connected = new bool[inputs, outputs];
        for (int i = 0; i < inputs; i++)
        {
            string line = lines[i];
            if (line.Length != 2 * outputs - 1)
                throw new ArgumentException($"Line {i} has {line.Length} characters; expected {2 * outputs - 1}.", nameof(picture));
            for (int o = 0; o < outputs; o++)
            {
                char c = line[2 * o];
                connected[i, o] = c switch
                {
                    'X' => true,
                    '.' => false,
                    _ => throw new ArgumentException($"Unexpected '{c}' at line {i}, column {2 * o}.", nameof(picture)),
                };
            }
        }
        return new ConnectionTable(inputs, outputs, connected);
    }

    /// <summary>Number of input maps.</summary>
    public int Inputs { get; }

    /// <summary>Number of output maps.</summary>
    public int Outputs { get; }

    /// <summary>Number of (input map, output map) connections, each with its own kernel.</summary>
    public int Connections => _inputOfConnection.Length;

    /// <summary>Whether every output sees every input.</summary>
    public bool IsFull => Connections == Inputs * Outputs;

    /// <summary>The input map of each connection.</summary>
    public ReadOnlySpan<int> InputOfConnection => _inputOfConnection;

    /// <summary>The output map of each connection.</summary>
    public ReadOnlySpan<int> OutputOfConnection => _outputOfConnection;

    /// <summary>The connections of output map <paramref name="output"/> are <c>[First(o), First(o + 1))</c>.</summary>
    public int FirstConnection(int output) => _firstConnectionOfOutput[output];

    /// <summary>Number of input maps output map <paramref name="output"/> sees.</summary>
    public int FanIn(int output) => _firstConnectionOfOutput[output + 1] - _firstConnectionOfOutput[output];

    /// <summary>The connection from <paramref name="input"/> to <paramref name="output"/>, or −1 if there is none.</summary>
    public int ConnectionIndex(int output, int input) => _connectionIndex[output * Inputs + input];
}
