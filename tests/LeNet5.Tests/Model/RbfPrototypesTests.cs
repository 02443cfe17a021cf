using LeNet5.Model;

namespace LeNet5.Tests.Model;

public class RbfPrototypesTests
{
    [Fact]
    public void Prototypes_AreTenBitmapsOfPlusMinusOne()
    {
        Assert.Equal(840, RbfPrototypes.Values.Length);
        foreach (float v in RbfPrototypes.Values)
            Assert.True(v is 1f or -1f);
    }

    [Fact]
    public void Prototypes_AreWellSeparated()
    {
        // Distinct digits must differ in enough pixels for the RBF penalties to separate the classes.
        for (int a = 0; a < 10; a++)
        {
            for (int b = a + 1; b < 10; b++)
            {
                int differing = 0;
                for (int j = 0; j < 84; j++)
                    differing += RbfPrototypes.Values[(a * 84) + j] != RbfPrototypes.Values[(b * 84) + j] ? 1 : 0;
                Assert.True(differing >= 10, $"digits {a} and {b} differ in only {differing} pixels");
            }
        }
    }

    [Fact]
    public void Prototypes_HaveABlankBorder()
    {
        // Fig. 3's bitmaps leave the top and bottom rows empty.
        for (int digit = 0; digit < 10; digit++)
        {
            for (int x = 0; x < 7; x++)
            {
                Assert.Equal(-1f, RbfPrototypes.Values[(digit * 84) + x]);
                Assert.Equal(-1f, RbfPrototypes.Values[(digit * 84) + (11 * 7) + x]);
            }
        }
    }
}
