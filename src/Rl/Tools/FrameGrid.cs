using RobotActors.Datasets.Images;

namespace RobotActors.Rl.Tools;

/// <summary>
/// A camera frame with a pixel grid drawn over it — a thin line every 10 px, a strong one every 50 px with its
/// coordinate written beside it — so a region of interest can be read off a PNG where no window can open.
/// </summary>
public static class FrameGrid
{
    // 3×5 digits, one row of 3 bits per line, top to bottom.
    private static readonly int[][] Digits =
    [
        [7, 5, 5, 5, 7], [2, 6, 2, 2, 7], [7, 1, 7, 4, 7], [7, 1, 7, 1, 7], [5, 5, 7, 1, 1],
        [7, 4, 7, 1, 7], [7, 4, 7, 5, 7], [7, 1, 1, 1, 1], [7, 5, 7, 5, 7], [7, 5, 7, 1, 7],
    ];

    public static ImageFrame Draw(ImageFrame image)
    {
        var pixels = (byte[])image.Pixels.Clone();
        int h = image.Height, w = image.Width, c = image.Channels;
        void Blend(int x, int y, byte r, byte g, byte b, double alpha)
        {
            if (x < 0 || y < 0 || x >= w || y >= h) return;
            var at = (y * w + x) * c;
            byte[] colour = [r, g, b];
            for (var k = 0; k < Math.Min(c, 3); k++) pixels[at + k] = (byte)(pixels[at + k] * (1 - alpha) + colour[k] * alpha);
        }
        for (var y = 0; y < h; y++)
            for (var x = 0; x < w; x++)
            {
                if (x % 50 == 0 || y % 50 == 0) Blend(x, y, 255, 255, 0, 0.8);
                else if (x % 10 == 0 || y % 10 == 0) Blend(x, y, 255, 255, 255, 0.25);
            }
        void Text(int value, int x0, int y0)
        {
            var text = value.ToString();
            for (var i = 0; i < text.Length; i++)
            {
                var glyph = Digits[text[i] - '0'];
                for (var row = 0; row < 5; row++)
                    for (var col = 0; col < 3; col++)
                        if ((glyph[row] >> (2 - col) & 1) == 1)
                            for (var dy = 0; dy < 2; dy++)
                                for (var dx = 0; dx < 2; dx++)
                                    Blend(x0 + i * 8 + col * 2 + dx, y0 + row * 2 + dy, 255, 255, 0, 1);
            }
        }
        for (var x = 50; x < w; x += 50) Text(x, x + 2, 2);
        for (var y = 50; y < h; y += 50) Text(y, 2, y + 2);
        return new ImageFrame(h, w, c, pixels);
    }
}
