using LeNet5.Data;

namespace LeNet5.Tests.Data;

public class PreprocessingTests
{
    [Fact]
    public void Table_IsThePapersMapping()
    {
        Assert.Equal(256, Preprocessing.Table.Length);
        for (int p = 0; p < 256; p++)
        {
            Assert.Equal((float)(-0.1 + (1.275 * p / 255)), Preprocessing.Table[p]); // the double value, rounded once
            Assert.Equal(-0.1 + (1.275 * p / 255), Preprocessing.Table[p], 1e-6);
        }

        Assert.Equal(-0.1f, Preprocessing.Normalize(0));
        Assert.Equal(1.175f, Preprocessing.Normalize(255), 1e-6f);
    }

    [Fact]
    public void A28x28Image_IsCentredWithATwoPixelBorder()
    {
        var pixels = new byte[784];
        for (int i = 0; i < pixels.Length; i++)
        {
            pixels[i] = (byte)((i * 31) + 1);
        }

        var input = new float[1024];
        input.AsSpan().Fill(float.NaN);
        Preprocessing.Normalize28x28(pixels, input);

        for (int row = 0; row < 32; row++)
        {
            for (int column = 0; column < 32; column++)
            {
                bool inside = row is >= 2 and < 30 && column is >= 2 and < 30;
                float expected = inside ? Preprocessing.Normalize(pixels[((row - 2) * 28) + column - 2]) : -0.1f;
                Assert.Equal(expected, input[(row * 32) + column]);
            }
        }
    }

    [Fact]
    public void A32x32Image_IsMappedWithoutPadding()
    {
        byte[] pixels = Enumerable.Range(0, 1024).Select(i => (byte)(i % 256)).ToArray();
        var input = new float[1024];
        Preprocessing.Normalize32x32(pixels, input);
        for (int i = 0; i < 1024; i++)
        {
            Assert.Equal(Preprocessing.Normalize(pixels[i]), input[i]);
        }
    }

    [Fact]
    public void WrongLengths_AreRejected()
    {
        Assert.Throws<ArgumentException>(() => Preprocessing.Normalize28x28(new byte[783], new float[1024]));
        Assert.Throws<ArgumentException>(() => Preprocessing.Normalize28x28(new byte[784], new float[1023]));
        Assert.Throws<ArgumentException>(() => Preprocessing.Normalize32x32(new byte[784], new float[1024]));
        Assert.Throws<ArgumentException>(() => Preprocessing.Normalize32x32(new byte[1024], new float[1025]));
    }
}
