// An MSBuild task, compiled by RoslynCodeTaskFactory from Directory.Build.targets.
//
// Why: TorchSharp 0.107's libLibTorchSharp.so was linked against GCC 13's libstdc++ and declares
// a need for the symbol version GLIBCXX_3.4.32. Debian 12 (GCC 12) stops at GLIBCXX_3.4.30, so the
// dynamic loader refuses the library and TorchSharp reports a misleading "missing package" error.
// The only symbol bound to that version (std::ios_base_library_init) is never relocated, so
// marking the version requirement weak (VER_FLG_WEAK in its Vernaux entry) is enough to load.
//
// What: for the copy of libLibTorchSharp.so in a project's output folder (never the NuGet cache),
// and only when the host's libstdc++ lacks the version, set the weak flag in place.
using System;
using System.IO;
using System.Text;
using Microsoft.Build.Framework;
using Microsoft.Build.Utilities;

public class PatchTorchSharpNative : Task
{
    /// <summary>The libLibTorchSharp.so files in the output folder.</summary>
    [Required]
    public ITaskItem[] Libraries { get; set; } = Array.Empty<ITaskItem>();

    /// <summary>The symbol version the host may lack.</summary>
    public string Version { get; set; } = "GLIBCXX_3.4.32";

    private const ushort VerFlgWeak = 0x2;
    private const uint ShtGnuVerneed = 0x6ffffffe;

    public override bool Execute()
    {
        if (HostProvides(Version))
        {
            Log.LogMessage(MessageImportance.Low, $"Host libstdc++ provides {Version}; TorchSharp needs no patch.");
            return true;
        }
        foreach (var item in Libraries)
        {
            var path = item.ItemSpec;
            if (!File.Exists(path)) continue;
            try
            {
                var result = MarkWeak(path, Version);
                Log.LogMessage(MessageImportance.Normal, $"TorchSharp native fix: {path}: {result}");
            }
            catch (Exception ex)
            {
                Log.LogWarning($"Could not patch {path} for this host's libstdc++ ({ex.Message}); TorchSharp may fail to load. Run 'robotactors doctor' for details.");
            }
        }
        return true;
    }

    private static bool HostProvides(string version)
    {
        string[] candidates =
        {
            "/usr/lib/x86_64-linux-gnu/libstdc++.so.6", "/lib/x86_64-linux-gnu/libstdc++.so.6",
            "/usr/lib64/libstdc++.so.6", "/usr/lib/libstdc++.so.6", "/usr/lib/aarch64-linux-gnu/libstdc++.so.6",
        };
        foreach (var c in candidates)
        {
            if (!File.Exists(c)) continue;
            var bytes = File.ReadAllBytes(c);
            return IndexOf(bytes, Encoding.ASCII.GetBytes(version + "\0")) >= 0;
        }
        return false; // no libstdc++ found where expected: patching is harmless, so do it
    }

    private static int IndexOf(byte[] haystack, byte[] needle)
    {
        for (int i = 0; i <= haystack.Length - needle.Length; i++)
        {
            int j = 0;
            while (j < needle.Length && haystack[i + j] == needle[j]) j++;
            if (j == needle.Length) return i;
        }
        return -1;
    }

    /// <summary>Sets VER_FLG_WEAK on the Vernaux entry named <paramref name="version"/>. ELF64 little-endian only.</summary>
    public static string MarkWeak(string path, string version)
    {
        using var fs = new FileStream(path, FileMode.Open, FileAccess.ReadWrite);
        using var br = new BinaryReader(fs);
        using var bw = new BinaryWriter(fs);
        var ident = br.ReadBytes(16);
        if (ident[0] != 0x7f || ident[1] != (byte)'E' || ident[2] != (byte)'L' || ident[3] != (byte)'F')
            throw new InvalidDataException("not an ELF file");
        if (ident[4] != 2 || ident[5] != 1) throw new InvalidDataException("not a little-endian ELF64 file");

        fs.Position = 0x28; long shoff = br.ReadInt64();
        fs.Position = 0x3A; int shentsize = br.ReadUInt16(); int shnum = br.ReadUInt16();

        for (int s = 0; s < shnum; s++)
        {
            fs.Position = shoff + (long)s * shentsize;
            br.ReadUInt32(); uint type = br.ReadUInt32();
            if (type != ShtGnuVerneed) continue;
            br.ReadUInt64(); br.ReadUInt64(); // flags, addr
            long offset = br.ReadInt64(); br.ReadInt64(); // offset, size
            uint link = br.ReadUInt32(); uint info = br.ReadUInt32(); // link = string table, info = entry count

            fs.Position = shoff + (long)link * shentsize + 0x18;
            long strOffset = br.ReadInt64();

            long need = offset;
            for (uint n = 0; n < info; n++)
            {
                fs.Position = need;
                br.ReadUInt16(); ushort cnt = br.ReadUInt16(); br.ReadUInt32();
                uint aux = br.ReadUInt32(); uint next = br.ReadUInt32();
                long auxPos = need + aux;
                for (int a = 0; a < cnt; a++)
                {
                    fs.Position = auxPos;
                    br.ReadUInt32(); long flagsPos = fs.Position; ushort flags = br.ReadUInt16();
                    br.ReadUInt16(); uint name = br.ReadUInt32(); uint auxNext = br.ReadUInt32();
                    if (ReadString(fs, br, strOffset + name) == version)
                    {
                        if ((flags & VerFlgWeak) != 0) return "already weak";
                        fs.Position = flagsPos;
                        bw.Write((ushort)(flags | VerFlgWeak));
                        return $"marked {version} weak";
                    }
                    auxPos += auxNext;
                }
                if (next == 0) break;
                need += next;
            }
        }
        return $"no requirement for {version}";
    }

    private static string ReadString(Stream fs, BinaryReader br, long at)
    {
        fs.Position = at;
        var sb = new StringBuilder();
        byte b;
        while ((b = br.ReadByte()) != 0) sb.Append((char)b);
        return sb.ToString();
    }
}
