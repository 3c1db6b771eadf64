using System.Buffers.Binary;
using System.IO.Compression;

namespace RobotActors.Datasets.Images;

/// <summary>
/// PNG for the `image` dtype, written here rather than taken from a package: the format needed is small
/// (8-bit, non-interlaced; gray, gray+alpha, RGB, RGBA and palette on read), zlib comes from
/// System.IO.Compression (native zlib), and a managed codec has no native asset to load or version to
/// chase on the machines RobotActors runs on. Interlaced and 16-bit PNGs are refused with a clear error.
/// </summary>
public static class Png
{
    private static ReadOnlySpan<byte> Signature => [137, 80, 78, 71, 13, 10, 26, 10];

    public static byte[] Encode(ImageFrame image, CompressionLevel level = CompressionLevel.Fastest)
    {
        byte colorType = image.Channels switch
        {
            1 => 0,
            2 => 4,
            3 => 2,
            4 => 6,
            _ => throw new ArgumentException($"PNG holds 1 to 4 channels, not {image.Channels}."),
        };
        using var output = new MemoryStream(image.Pixels.Length / 2 + 1024);
        output.Write(Signature);
        Span<byte> header = stackalloc byte[13];
        BinaryPrimitives.WriteInt32BigEndian(header, image.Width);
        BinaryPrimitives.WriteInt32BigEndian(header[4..], image.Height);
        header[8] = 8;
        header[9] = colorType;
        WriteChunk(output, "IHDR"u8, header);

        int stride = image.Width * image.Channels;
        using var compressed = new MemoryStream(image.Pixels.Length / 2 + 1024);
        using (var z = new ZLibStream(compressed, level, leaveOpen: true))
        {
            // The "Up" filter on every row after the first: cheap and a good fit for camera frames.
            var row = new byte[stride + 1];
            for (int y = 0; y < image.Height; y++)
            {
                var current = image.Pixels.AsSpan(y * stride, stride);
                if (y == 0)
                {
                    row[0] = 0;
                    current.CopyTo(row.AsSpan(1));
                }
                else
                {
                    row[0] = 2;
                    var above = image.Pixels.AsSpan((y - 1) * stride, stride);
                    for (int i = 0; i < stride; i++)
                        row[i + 1] = (byte)(current[i] - above[i]);
                }
                z.Write(row);
            }
        }
        WriteChunk(output, "IDAT"u8, compressed.GetBuffer().AsSpan(0, (int)compressed.Length));
        WriteChunk(output, "IEND"u8, []);
        return output.ToArray();
    }

    private static void WriteChunk(Stream s, ReadOnlySpan<byte> type, ReadOnlySpan<byte> data)
    {
        Span<byte> len = stackalloc byte[4];
        BinaryPrimitives.WriteInt32BigEndian(len, data.Length);
        s.Write(len);
        s.Write(type);
        s.Write(data);
        uint crc = Crc32.Update(Crc32.Update(0xFFFFFFFFu, type), data) ^ 0xFFFFFFFFu;
        BinaryPrimitives.WriteUInt32BigEndian(len, crc);
        s.Write(len);
    }

    public static ImageFrame Decode(ReadOnlySpan<byte> png)
    {
        if (png.Length < 8 || !png[..8].SequenceEqual(Signature))
            throw new DatasetFormatException("Image bytes are not a PNG (bad signature); only PNG images are supported in Parquet image columns.");
        int pos = 8, width = 0, height = 0, bitDepth = 0, colorType = -1;
        byte[]? palette = null;
        byte[]? transparency = null;
        using var idat = new MemoryStream();
        while (pos + 8 <= png.Length)
        {
            int length = BinaryPrimitives.ReadInt32BigEndian(png[pos..]);
            var type = png.Slice(pos + 4, 4);
            if (length < 0 || pos + 12 + length > png.Length)
                throw new DatasetFormatException("PNG is truncated (a chunk runs past the end of the data).");
            var data = png.Slice(pos + 8, length);
            if (type.SequenceEqual("IHDR"u8))
            {
                width = BinaryPrimitives.ReadInt32BigEndian(data);
                height = BinaryPrimitives.ReadInt32BigEndian(data[4..]);
                bitDepth = data[8];
                colorType = data[9];
                if (data[12] != 0)
                    throw new DatasetFormatException("Interlaced PNGs are not supported; re-save the image without interlacing.");
            }
            else if (type.SequenceEqual("PLTE"u8))
                palette = data.ToArray();
            else if (type.SequenceEqual("tRNS"u8))
                transparency = data.ToArray();
            else if (type.SequenceEqual("IDAT"u8))
                idat.Write(data);
            else if (type.SequenceEqual("IEND"u8))
                break;
            pos += 12 + length;
        }
        if (width <= 0 || height <= 0)
            throw new DatasetFormatException("PNG has no valid IHDR chunk.");
        if (bitDepth != 8)
            throw new DatasetFormatException($"PNG bit depth {bitDepth} is not supported; only 8-bit images are.");
        int srcChannels = colorType switch
        {
            0 => 1,
            2 => 3,
            3 => 1,
            4 => 2,
            6 => 4,
            _ => throw new DatasetFormatException($"PNG color type {colorType} is invalid."),
        };
        int stride = width * srcChannels;
        var raw = new byte[height * stride];
        idat.Position = 0;
        using (var z = new ZLibStream(idat, CompressionMode.Decompress))
        {
            var prior = new byte[stride];
            var line = new byte[stride + 1];
            for (int y = 0; y < height; y++)
            {
                z.ReadExactly(line);
                var cur = raw.AsSpan(y * stride, stride);
                Unfilter(line[0], line.AsSpan(1), prior, cur, srcChannels);
                cur.CopyTo(prior);
            }
        }
        if (colorType != 3)
            return new ImageFrame(height, width, srcChannels, raw);
        if (palette is null)
            throw new DatasetFormatException("Palette PNG has no PLTE chunk.");
        int outChannels = transparency is null ? 3 : 4;
        var rgb = new byte[width * height * outChannels];
        for (int i = 0; i < raw.Length; i++)
        {
            int p = raw[i];
            rgb[i * outChannels] = palette[p * 3];
            rgb[i * outChannels + 1] = palette[p * 3 + 1];
            rgb[i * outChannels + 2] = palette[p * 3 + 2];
            if (outChannels == 4)
                rgb[i * 4 + 3] = p < transparency!.Length ? transparency[p] : (byte)255;
        }
        return new ImageFrame(height, width, outChannels, rgb);
    }

    private static void Unfilter(byte filter, ReadOnlySpan<byte> src, ReadOnlySpan<byte> prior, Span<byte> dst, int bpp)
    {
        int n = src.Length;
        switch (filter)
        {
            case 0:
                src.CopyTo(dst);
                break;
            case 1:
                for (int i = 0; i < n; i++)
                    dst[i] = (byte)(src[i] + (i >= bpp ? dst[i - bpp] : 0));
                break;
            case 2:
                for (int i = 0; i < n; i++)
                    dst[i] = (byte)(src[i] + prior[i]);
                break;
            case 3:
                for (int i = 0; i < n; i++)
                    dst[i] = (byte)(src[i] + (((i >= bpp ? dst[i - bpp] : 0) + prior[i]) >> 1));
                break;
            case 4:
                for (int i = 0; i < n; i++)
                {
                    int a = i >= bpp ? dst[i - bpp] : 0, b = prior[i], c = i >= bpp ? prior[i - bpp] : 0;
                    int p = a + b - c, pa = Math.Abs(p - a), pb = Math.Abs(p - b), pc = Math.Abs(p - c);
                    int pred = pa <= pb && pa <= pc ? a : pb <= pc ? b : c;
                    dst[i] = (byte)(src[i] + pred);
                }
                break;
            default:
                throw new DatasetFormatException($"PNG row uses unknown filter type {filter}; the image is corrupt.");
        }
    }
}
