using System.IO.Compression;
using System.Text;

namespace RobotActors.Devices.Cameras;

/// <summary>A decoded image: 8-bit samples, 1 (gray), 3 (RGB) or 4 (RGBA) channels, row-major HWC.</summary>
public sealed record DecodedImage(byte[] Pixels, int Width, int Height, int Channels)
{
    /// <summary>HWC RGB: gray is repeated, alpha dropped.</summary>
    public byte[] ToRgb()
    {
        if (Channels == 3) return Pixels;
        var rgb = new byte[Width * Height * 3];
        for (var i = 0; i < Width * Height; i++)
        {
            if (Channels is 1 or 2) rgb[3 * i] = rgb[3 * i + 1] = rgb[3 * i + 2] = Pixels[i * Channels];
            else { rgb[3 * i] = Pixels[4 * i]; rgb[3 * i + 1] = Pixels[4 * i + 1]; rgb[3 * i + 2] = Pixels[4 * i + 2]; }
        }
        return rgb;
    }
}

/// <summary>Decoders for the lossless formats a replay folder holds: PNG (8-bit, non-interlaced) and binary PPM/PGM.</summary>
public static class ImageDecoder
{
    public static DecodedImage Decode(string path)
    {
        var bytes = File.ReadAllBytes(path);
        try
        {
            return Path.GetExtension(path).ToLowerInvariant() == ".png" ? DecodePng(bytes) : DecodeNetpbm(bytes);
        }
        catch (Exception e) when (e is InvalidDataException or IndexOutOfRangeException or ArgumentException)
        {
            throw new InvalidDataException($"Cannot decode '{path}': {e.Message}", e);
        }
    }

    public static DecodedImage DecodePng(byte[] png)
    {
        ReadOnlySpan<byte> signature = [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A];
        if (png.Length < 8 || !png.AsSpan(0, 8).SequenceEqual(signature))
            throw new InvalidDataException("not a PNG file");
        int width = 0, height = 0, channels = 0;
        using var idat = new MemoryStream();
        var at = 8;
        while (at + 8 <= png.Length)
        {
            var length = (png[at] << 24) | (png[at + 1] << 16) | (png[at + 2] << 8) | png[at + 3];
            var type = Encoding.ASCII.GetString(png, at + 4, 4);
            var data = png.AsSpan(at + 8, length);
            if (type == "IHDR")
            {
                width = (data[0] << 24) | (data[1] << 16) | (data[2] << 8) | data[3];
                height = (data[4] << 24) | (data[5] << 16) | (data[6] << 8) | data[7];
                var depth = data[8];
                channels = data[9] switch { 0 => 1, 2 => 3, 4 => 2, 6 => 4, var c => throw new InvalidDataException($"PNG color type {c} (palette) is not supported; save as RGB") };
                if (depth != 8) throw new InvalidDataException($"PNG bit depth {depth} is not supported; save with 8 bits per channel");
                if (data[12] != 0) throw new InvalidDataException("interlaced PNG is not supported");
            }
            else if (type == "IDAT") idat.Write(data);
            else if (type == "IEND") break;
            at += 12 + length;
        }
        if (width <= 0 || height <= 0) throw new InvalidDataException("PNG has no IHDR");
        idat.Position = 0;
        using var inflated = new MemoryStream();
        using (var z = new ZLibStream(idat, CompressionMode.Decompress)) z.CopyTo(inflated);
        var raw = inflated.GetBuffer();
        var stride = width * channels;
        if (inflated.Length < (long)height * (stride + 1)) throw new InvalidDataException("PNG image data is truncated");
        var pixels = new byte[height * stride];
        for (var y = 0; y < height; y++)
        {
            var filter = raw[y * (stride + 1)];
            var src = raw.AsSpan(y * (stride + 1) + 1, stride);
            var row = pixels.AsSpan(y * stride, stride);
            var prior = y > 0 ? pixels.AsSpan((y - 1) * stride, stride) : Span<byte>.Empty;
            for (var x = 0; x < stride; x++)
            {
                int a = x >= channels ? row[x - channels] : 0;
                int b = y > 0 ? prior[x] : 0;
                int c = x >= channels && y > 0 ? prior[x - channels] : 0;
                row[x] = (byte)(src[x] + filter switch
                {
                    0 => 0,
                    1 => a,
                    2 => b,
                    3 => (a + b) / 2,
                    4 => Paeth(a, b, c),
                    _ => throw new InvalidDataException($"PNG filter type {filter} on row {y} is invalid"),
                });
            }
        }
        return new DecodedImage(pixels, width, height, channels);
    }

    private static int Paeth(int a, int b, int c)
    {
        var p = a + b - c;
        int pa = Math.Abs(p - a), pb = Math.Abs(p - b), pc = Math.Abs(p - c);
        return pa <= pb && pa <= pc ? a : pb <= pc ? b : c;
    }

    /// <summary>Binary PPM (P6) and PGM (P5) with maxval 255.</summary>
    public static DecodedImage DecodeNetpbm(byte[] data)
    {
        var at = 0;
        string Token()
        {
            while (at < data.Length && (char.IsWhiteSpace((char)data[at]) || data[at] == '#'))
            {
                if (data[at] == '#') while (at < data.Length && data[at] != '\n') at++;
                else at++;
            }
            var start = at;
            while (at < data.Length && !char.IsWhiteSpace((char)data[at])) at++;
            return Encoding.ASCII.GetString(data, start, at - start);
        }
        var magic = Token();
        var channels = magic switch { "P6" => 3, "P5" => 1, _ => throw new InvalidDataException($"netpbm type '{magic}' is not supported (use binary P6 or P5)") };
        var width = int.Parse(Token());
        var height = int.Parse(Token());
        var max = int.Parse(Token());
        if (max != 255) throw new InvalidDataException($"maxval {max} is not supported (use 255)");
        at++; // the single whitespace after maxval
        var size = width * height * channels;
        if (data.Length - at < size) throw new InvalidDataException("image data is truncated");
        return new DecodedImage(data.AsSpan(at, size).ToArray(), width, height, channels);
    }
}
