using System.IO.Compression;
using System.Text;
using RobotActors.Devices.Cameras;

namespace RobotActors.Devices.Tests.Cameras;

public sealed class CameraTests : IDisposable
{
    private readonly DirectoryInfo _dir = Directory.CreateTempSubdirectory("ra-cam-");

    public void Dispose() => _dir.Delete(true);

    /// <summary>A small PNG writer for the tests: each row uses the given filter (0 none .. 4 Paeth).</summary>
    private static byte[] EncodePng(byte[] rgb, int width, int height, Func<int, int> filterOfRow)
    {
        var stride = width * 3;
        var raw = new MemoryStream();
        for (var y = 0; y < height; y++)
        {
            var filter = filterOfRow(y);
            raw.WriteByte((byte)filter);
            for (var x = 0; x < stride; x++)
            {
                int cur = rgb[y * stride + x];
                int a = x >= 3 ? rgb[y * stride + x - 3] : 0, b = y > 0 ? rgb[(y - 1) * stride + x] : 0;
                int c = x >= 3 && y > 0 ? rgb[(y - 1) * stride + x - 3] : 0;
                int p = a + b - c, pa = Math.Abs(p - a), pb = Math.Abs(p - b), pc = Math.Abs(p - c);
                var predictor = filter switch { 0 => 0, 1 => a, 2 => b, 3 => (a + b) / 2, _ => pa <= pb && pa <= pc ? a : pb <= pc ? b : c };
                raw.WriteByte((byte)(cur - predictor));
            }
        }
        var z = new MemoryStream();
        using (var zs = new ZLibStream(z, CompressionLevel.Fastest, leaveOpen: true)) zs.Write(raw.ToArray());
        var png = new MemoryStream();
        png.Write([0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A]);
        void Chunk(string type, byte[] data)
        {
            png.Write([(byte)(data.Length >> 24), (byte)(data.Length >> 16), (byte)(data.Length >> 8), (byte)data.Length]);
            png.Write(Encoding.ASCII.GetBytes(type));
            png.Write(data);
            png.Write([0, 0, 0, 0]); // CRC is not checked by the decoder
        }
        Chunk("IHDR", [0, 0, 0, (byte)width, 0, 0, 0, (byte)height, 8, 2, 0, 0, 0]);
        Chunk("IDAT", z.ToArray());
        Chunk("IEND", []);
        return png.ToArray();
    }

    private static byte[] Pattern(int width, int height, int seed) =>
        Enumerable.Range(0, width * height * 3).Select(i => (byte)((i * 37 + seed * 101 + i / 7 * 13) & 0xFF)).ToArray();

    [Fact]
    public void Png_with_every_filter_type_decodes_to_the_original_pixels()
    {
        var pixels = Pattern(7, 5, 1);
        var decoded = ImageDecoder.DecodePng(EncodePng(pixels, 7, 5, y => y)); // rows use filters 0,1,2,3,4
        Assert.Equal((7, 5, 3), (decoded.Width, decoded.Height, decoded.Channels));
        Assert.Equal(pixels, decoded.Pixels);
    }

    [Fact]
    public void Binary_ppm_and_pgm_decode()
    {
        byte[] ppm = [.. Encoding.ASCII.GetBytes("P6\n# comment\n2 1\n255\n"), 10, 20, 30, 40, 50, 60];
        var image = ImageDecoder.DecodeNetpbm(ppm);
        Assert.Equal(new byte[] { 10, 20, 30, 40, 50, 60 }, image.Pixels);
        byte[] pgm = [.. Encoding.ASCII.GetBytes("P5 2 1 255\n"), 7, 9];
        Assert.Equal(new byte[] { 7, 7, 7, 9, 9, 9 }, ImageDecoder.DecodeNetpbm(pgm).ToRgb());
    }

    [Fact]
    public void Folder_camera_replays_frames_in_order_as_hwc_uint8_with_a_latest_frame_cache()
    {
        for (var i = 0; i < 3; i++)
            File.WriteAllBytes(Path.Combine(_dir.FullName, $"frame_{i:D3}.png"), EncodePng(Pattern(4, 2, i), 4, 2, _ => 4));
        using var camera = new ImageFolderCamera(_dir.FullName, fps: 50, loop: false, width: 4, height: 2);
        camera.Connect();
        var frames = Enumerable.Range(0, 3).Select(_ => camera.AsyncRead(TimeSpan.FromSeconds(2))).ToList();
        Assert.Equal([0L, 1L, 2L], frames.Select(f => f.Index));
        Assert.All(frames, f => Assert.Equal((2, 4, 3, 24), (f.Height, f.Width, f.Channels, f.Data.Length)));
        Assert.Equal(Pattern(4, 2, 2), frames[2].Data);
        Assert.Equal(Pattern(4, 2, 2)[(1 * 4 + 3) * 3 + 2], frames[2][1, 3, 2]); // HWC indexing
        Assert.Same(frames[2], camera.ReadLatest(TimeSpan.FromSeconds(5)));
        // Without looping the stream ends; the cached frame then goes stale and read_latest says so.
        Thread.Sleep(120);
        var e = Assert.Throws<TimeoutException>(() => camera.ReadLatest(TimeSpan.FromMilliseconds(50)));
        Assert.Contains("stalled", e.Message);
        Assert.Throws<TimeoutException>(() => camera.AsyncRead(TimeSpan.FromMilliseconds(50)));
    }

    [Fact]
    public void A_size_that_does_not_match_the_config_is_refused()
    {
        File.WriteAllBytes(Path.Combine(_dir.FullName, "a.png"), EncodePng(Pattern(4, 2, 0), 4, 2, _ => 0));
        var e = Assert.Throws<InvalidDataException>(() => new ImageFolderCamera(_dir.FullName, width: 640, height: 480));
        Assert.Contains("4x2", e.Message);
    }
}
