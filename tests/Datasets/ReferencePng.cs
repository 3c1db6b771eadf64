using System.Buffers.Binary;
using System.IO.Compression;

namespace RobotActors.Datasets.Tests;

/// <summary>
/// An independent PNG writer for test fixtures (Paeth filter on every row, like many encoders pick), so
/// the reader is checked against bytes our own encoder did not make.
/// </summary>
public static class ReferencePng
{
    public static byte[] Encode(int height, int width, byte[] rgb)
    {
        int stride = width * 3;
        using var idat = new MemoryStream();
        using (var z = new ZLibStream(idat, CompressionLevel.Optimal, leaveOpen: true))
        {
            var prior = new byte[stride];
            for (int y = 0; y < height; y++)
            {
                var cur = rgb.AsSpan(y * stride, stride);
                z.WriteByte(4);
                for (int i = 0; i < stride; i++)
                {
                    int a = i >= 3 ? cur[i - 3] : 0, b = prior[i], c = i >= 3 ? prior[i - 3] : 0;
                    int p = a + b - c, pa = Math.Abs(p - a), pb = Math.Abs(p - b), pc = Math.Abs(p - c);
                    int pred = pa <= pb && pa <= pc ? a : pb <= pc ? b : c;
                    z.WriteByte((byte)(cur[i] - pred));
                }
                cur.CopyTo(prior);
            }
        }
        using var png = new MemoryStream();
        png.Write([137, 80, 78, 71, 13, 10, 26, 10]);
        var ihdr = new byte[13];
        BinaryPrimitives.WriteInt32BigEndian(ihdr, width);
        BinaryPrimitives.WriteInt32BigEndian(ihdr.AsSpan(4), height);
        ihdr[8] = 8;
        ihdr[9] = 2;
        Chunk(png, "IHDR", ihdr);
        Chunk(png, "IDAT", idat.ToArray());
        Chunk(png, "IEND", []);
        return png.ToArray();
    }

    private static void Chunk(Stream s, string type, byte[] data)
    {
        var len = new byte[4];
        BinaryPrimitives.WriteInt32BigEndian(len, data.Length);
        s.Write(len);
        s.Write(System.Text.Encoding.ASCII.GetBytes(type));
        s.Write(data);
        uint crc = 0xFFFFFFFF;
        foreach (byte b in System.Text.Encoding.ASCII.GetBytes(type).Concat(data))
        {
            crc ^= b;
            for (int k = 0; k < 8; k++)
                crc = (crc & 1) != 0 ? (crc >> 1) ^ 0xEDB88320 : crc >> 1;
        }
        BinaryPrimitives.WriteUInt32BigEndian(len, ~crc);
        s.Write(len);
    }
}
