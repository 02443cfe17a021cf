using LeNet5.Model;

namespace LeNet5.Tests.Model;

public class ConnectionTableTests
{
    // The paper's Table I (Section II-B): the S2 maps each C3 map takes as input.
    private static readonly int[][] s_paperTable =
    [
        [0, 1, 2], [1, 2, 3], [2, 3, 4], [3, 4, 5], [4, 5, 0], [5, 0, 1],
        [0, 1, 2, 3], [1, 2, 3, 4], [2, 3, 4, 5], [3, 4, 5, 0], [4, 5, 0, 1], [5, 0, 1, 2],
        [0, 1, 3, 4], [1, 2, 4, 5], [0, 2, 3, 5],
        [0, 1, 2, 3, 4, 5],
    ];

    [Fact]
    public void PaperC3_MatchesTableI()
    {
        var table = ConnectionTable.PaperC3;
        Assert.Equal(6, table.Inputs);
        Assert.Equal(16, table.Outputs);
        for (int o = 0; o < 16; o++)
        {
            for (int i = 0; i < 6; i++)
                Assert.True(s_paperTable[o].Contains(i) == table.ConnectionIndex(o, i) >= 0, $"C3 map {o}, S2 map {i}");
        }

        Assert.Equal(60, table.Connections);
    }

    [Fact]
    public void Connections_AreNumberedOutputByOutputWithInputsAscending()
    {
        var table = ConnectionTable.PaperC3;
        int expected = 0;
        for (int o = 0; o < table.Outputs; o++)
        {
            Assert.Equal(expected, table.FirstConnection(o));
            Assert.Equal(s_paperTable[o].Length, table.FanIn(o));
            foreach (int i in s_paperTable[o].Order())
            {
                Assert.Equal(expected, table.ConnectionIndex(o, i));
                Assert.Equal(i, table.InputOfConnection[expected]);
                Assert.Equal(o, table.OutputOfConnection[expected]);
                expected++;
            }
        }
    }

    [Fact]
    public void Full_ConnectsEverything_InPyTorchOrder()
    {
        var table = ConnectionTable.Full(16, 120);
        Assert.True(table.IsFull);
        Assert.Equal(1920, table.Connections);
        Assert.Equal((5 * 16) + 7, table.ConnectionIndex(5, 7));
    }

    [Theory]
    [InlineData("X X\nX .", 2, 3)]
    [InlineData("X X\nX Y", 2, 2)]
    [InlineData("X X", 2, 2)]
    public void FromPicture_RejectsMalformedPictures(string picture, int inputs, int outputs)
        => Assert.Throws<ArgumentException>(() => ConnectionTable.FromPicture(picture, inputs, outputs));
}
