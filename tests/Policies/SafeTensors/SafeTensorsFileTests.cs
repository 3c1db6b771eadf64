using System.Buffers.Binary;
using System.Text;
using RobotActors.Policies.SafeTensors;
using TorchSharp;

namespace RobotActors.Policies.Tests.SafeTensors;

public class SafeTensorsFileTests
{
    /// <summary>Builds a file byte by byte from the format definition, as the Python library lays it out.</summary>
    private static byte[] HandBuiltFile()
    {
        var header = "{\"__metadata__\":{\"format\":\"pt\"},"
                   + "\"weight\":{\"dtype\":\"F32\",\"shape\":[2,2],\"data_offsets\":[0,16]},"
                   + "\"step\":{\"dtype\":\"I64\",\"shape\":[],\"data_offsets\":[16,24]},"
                   + "\"mask\":{\"dtype\":\"U8\",\"shape\":[3],\"data_offsets\":[24,27]}}";
        var headerBytes = Encoding.UTF8.GetBytes(header);
        var padded = (headerBytes.Length + 7) / 8 * 8;
        var bytes = new List<byte>();
        var len = new byte[8];
        BinaryPrimitives.WriteUInt64LittleEndian(len, (ulong)padded);
        bytes.AddRange(len);
        bytes.AddRange(headerBytes);
        bytes.AddRange(Enumerable.Repeat((byte)' ', padded - headerBytes.Length));
        foreach (var f in new[] { 1.5f, -2f, 0.25f, 1e-3f })
        {
            var b = new byte[4];
            BinaryPrimitives.WriteSingleLittleEndian(b, f);
            bytes.AddRange(b);
        }
        var step = new byte[8];
        BinaryPrimitives.WriteInt64LittleEndian(step, 123456789012L);
        bytes.AddRange(step);
        bytes.AddRange(new byte[] { 0, 7, 255 });
        return bytes.ToArray();
    }

    [Fact]
    public void A_file_built_from_the_format_definition_is_read_with_its_names_shapes_dtypes_values_and_metadata()
    {
        var file = SafeTensorsFile.Parse(HandBuiltFile());

        Assert.Equal("pt", file.Metadata["format"]);
        Assert.Equal(new[] { "mask", "step", "weight" }, file.Tensors.Keys.Order().ToArray());
        Assert.Equal("F32", file.Tensors["weight"].DType);
        Assert.Equal(new long[] { 2, 2 }, file.Tensors["weight"].Shape);
        Assert.Equal(new[] { 1.5f, -2f, 0.25f, 1e-3f }, file.Tensors["weight"].ToFloats());
        Assert.Empty(file.Tensors["step"].Shape);
        Assert.Equal(123456789012L, BitConverter.ToInt64(file.Tensors["step"].Data));
        Assert.Equal(new byte[] { 0, 7, 255 }, file.Tensors["mask"].Data);

        using var torchStep = TorchSafeTensors.ToTorch(file.Tensors["step"]);
        Assert.Equal(123456789012L, torchStep.item<long>());
        using var torchWeight = TorchSafeTensors.ToTorch(file.Tensors["weight"]);
        Assert.Equal(-2f, torchWeight[0, 1].item<float>());
    }

    [Fact]
    public void Writing_then_reading_round_trips_every_byte_and_the_metadata()
    {
        var original = SafeTensorsFile.Parse(HandBuiltFile());
        var rewritten = original.ToBytes();
        var again = SafeTensorsFile.Parse(rewritten);

        Assert.Equal(original.Metadata, again.Metadata);
        foreach (var (name, tensor) in original.Tensors)
        {
            Assert.Equal(tensor.DType, again.Tensors[name].DType);
            Assert.Equal(tensor.Shape, again.Tensors[name].Shape);
            Assert.Equal(tensor.Data, again.Tensors[name].Data);
        }
        Assert.Equal(0, BinaryPrimitives.ReadInt64LittleEndian(rewritten) % 8);
        Assert.Equal(rewritten, again.ToBytes());
    }

    [Fact]
    public void Torch_tensors_round_trip_bit_exactly_through_a_file_on_disk()
    {
        torch.manual_seed(3);
        var path = Path.Combine(Path.GetTempPath(), $"st-{Guid.NewGuid():N}.safetensors");
        try
        {
            var tensors = new Dictionary<string, torch.Tensor>
            {
                ["a.weight"] = torch.randn(3, 5),
                ["a.double"] = torch.randn(4, dtype: torch.float64),
                ["counts"] = torch.tensor(new long[] { 1, -2, long.MaxValue }),
                ["flags"] = torch.tensor(new[] { true, false }),
            };
            TorchSafeTensors.Save(tensors, path, new Dictionary<string, string> { ["format"] = "pt" });
            var loaded = TorchSafeTensors.Load(path);

            Assert.Equal(tensors.Keys.Order(), loaded.Keys.Order());
            foreach (var (k, v) in tensors)
            {
                Assert.Equal(v.dtype, loaded[k].dtype);
                Assert.Equal(v.shape, loaded[k].shape);
                Assert.Equal(v.bytes.ToArray(), loaded[k].bytes.ToArray());
            }
            Assert.Equal("pt", SafeTensorsFile.Read(path).Metadata["format"]);
        }
        finally
        {
            File.Delete(path);
        }
    }

    [Fact]
    public void A_truncated_or_inconsistent_file_is_rejected_with_the_problem_named()
    {
        var good = HandBuiltFile();
        var truncated = good[..^2];
        var e1 = Assert.Throws<SafeTensorsFormatException>(() => SafeTensorsFile.Parse(truncated));
        Assert.Contains("mask", e1.Message);

        var tiny = new byte[4];
        Assert.Contains("8-byte header length", Assert.Throws<SafeTensorsFormatException>(() => SafeTensorsFile.Parse(tiny)).Message);

        var badShape = new SafeTensorsFile();
        badShape.Tensors["x"] = new SafeTensor("F32", new long[] { 3 }, new byte[8]);
        Assert.Contains("needs 12 bytes", Assert.Throws<SafeTensorsFormatException>(() => badShape.ToBytes()).Message);
    }
}
