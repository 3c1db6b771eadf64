using RobotActors.Datasets.Images;

namespace RobotActors.Datasets.Tests;

public class PngTests
{
    private static ImageFrame Noise(int h, int w, int c, int seed)
    {
        var px = new byte[h * w * c];
        new Random(seed).NextBytes(px);
        return new ImageFrame(h, w, c, px);
    }

    [Theory]
    [InlineData(1)]
    [InlineData(2)]
    [InlineData(3)]
    [InlineData(4)]
    public void Encoded_images_decode_to_the_same_pixels(int channels)
    {
        var img = Noise(13, 17, channels, channels);
        var back = Png.Decode(Png.Encode(img));
        Assert.True(img.SameAs(back));
    }

    [Fact]
    public void Images_from_an_independent_encoder_using_the_Paeth_filter_decode()
    {
        var img = Noise(9, 11, 3, 7);
        Assert.Equal(img.Pixels, Png.Decode(ReferencePng.Encode(9, 11, img.Pixels)).Pixels);
    }

    [Fact]
    public void Corrupt_or_foreign_bytes_are_refused_with_a_clear_error()
    {
        var png = Png.Encode(Noise(8, 8, 3, 1));
        var e = Assert.Throws<DatasetFormatException>(() => Png.Decode([1, 2, 3, 4, 5, 6, 7, 8, 9]));
        Assert.Contains("not a PNG", e.Message);
        var truncated = png[..(png.Length - 30)];
        Assert.Throws<DatasetFormatException>(() => Png.Decode(truncated));
    }

    [Fact]
    public void Chw_floats_are_channel_first_and_divided_by_255()
    {
        var img = new ImageFrame(1, 2, 3, [10, 20, 30, 40, 50, 255]);
        Assert.Equal([10 / 255f, 40 / 255f, 20 / 255f, 50 / 255f, 30 / 255f, 1f], img.ToChwFloats());
    }
}
