using System.Globalization;
using System.Runtime.InteropServices;

namespace SingleActive.E2E.Tests.Robustness;

/// <summary>
/// A directory laid out the way the kubelet projects a Secret: the files live in a timestamped
/// directory, <c>..data</c> is a symlink to it, and <c>tls.crt</c>/<c>tls.key</c> are symlinks
/// through <c>..data</c>. An update writes a new timestamped directory, renames a fresh symlink
/// over <c>..data</c> (one atomic step, so a reader sees old or new, never a mix) and deletes the
/// old directory. The visible files' own inodes never change, which is why a plain file watch misses it.
/// </summary>
public sealed partial class KubeletStyleSecretVolume(string directory)
{
    private int generation;
    private string? current;

    public string CertFile => Path.Combine(directory, "tls.crt");

    public string KeyFile => Path.Combine(directory, "tls.key");

    public void Write(string certPem, string keyPem)
    {
        Directory.CreateDirectory(directory);
        var name = $"..{DateTime.UtcNow:yyyy_MM_dd_HH_mm_ss}.{generation++.ToString(CultureInfo.InvariantCulture)}";
        var target = Path.Combine(directory, name);
        Directory.CreateDirectory(target);
        File.WriteAllText(Path.Combine(target, "tls.crt"), certPem);
        File.WriteAllText(Path.Combine(target, "tls.key"), keyPem);

        var temporary = Path.Combine(directory, "..data_tmp");
        File.Delete(temporary);
        File.CreateSymbolicLink(temporary, name);
        // rename(2) over the old link: atomic. (File.Move follows the link to a directory and refuses.)
        if (Rename(temporary, Path.Combine(directory, "..data")) != 0)
        {
            throw new IOException($"rename {temporary} failed: errno {Marshal.GetLastPInvokeError()}");
        }

        foreach (var file in new[] { "tls.crt", "tls.key" })
        {
            if (!File.Exists(Path.Combine(directory, file)))
            {
                File.CreateSymbolicLink(Path.Combine(directory, file), Path.Combine("..data", file));
            }
        }

        if (current is not null)
        {
            Directory.Delete(Path.Combine(directory, current), recursive: true);
        }

        current = name;
    }

    [LibraryImport("libc", EntryPoint = "rename", SetLastError = true, StringMarshalling = StringMarshalling.Utf8)]
    private static partial int Rename(string from, string to);
}
