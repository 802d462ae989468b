using System.Runtime.InteropServices;
using SingleActive.Webhook.Tls;

namespace SingleActive.Webhook.Tests.Tls;

/// <summary>
/// A Secret volume laid out the way the kubelet's atomic writer does it: files live in a timestamped
/// directory, <c>..data</c> points at it, and the visible names point through <c>..data</c>. An update
/// writes a new directory and renames a new <c>..data</c> symlink over the old one.
/// </summary>
public sealed class KubeletSecretVolume : IDisposable
{
    private int generation;

    public KubeletSecretVolume(CertificateBundle bundle)
    {
        Directory.CreateDirectory(Root);
        var first = WriteGeneration(bundle.CertificatePem, bundle.PrivateKeyPem, bundle.CaCertificatePem);
        File.CreateSymbolicLink(Path.Combine(Root, "..data"), first);
        foreach (var name in new[] { "tls.crt", "tls.key", "ca.crt" })
        {
            File.CreateSymbolicLink(Path.Combine(Root, name), Path.Combine("..data", name));
        }
    }

    public string Root { get; } = Path.Combine(Path.GetTempPath(), "sa-volume-" + Guid.NewGuid().ToString("N")[..8]);

    public string CertFile => Path.Combine(Root, "tls.crt");

    public string KeyFile => Path.Combine(Root, "tls.key");

    public void Swap(CertificateBundle bundle) => Swap(bundle.CertificatePem, bundle.PrivateKeyPem, bundle.CaCertificatePem);

    /// <summary>Publishes new contents atomically and removes the previous generation, as the kubelet does.</summary>
    public void Swap(string certPem, string keyPem, string caPem)
    {
        var previous = new DirectoryInfo(Path.Combine(Root, "..data")).LinkTarget!;
        var next = WriteGeneration(certPem, keyPem, caPem);
        var temporary = Path.Combine(Root, "..data_tmp");
        File.CreateSymbolicLink(temporary, next);
        // rename(2) replaces the old link atomically; File.Move would follow the link to a directory.
        if (Rename(temporary, Path.Combine(Root, "..data")) != 0)
        {
            throw new IOException($"rename failed: errno {Marshal.GetLastPInvokeError()}");
        }

        Directory.Delete(Path.Combine(Root, previous), recursive: true);
    }

    public void Dispose() => Directory.Delete(Root, recursive: true);

    [DllImport("libc", EntryPoint = "rename", SetLastError = true)]
    private static extern int Rename([MarshalAs(UnmanagedType.LPUTF8Str)] string from, [MarshalAs(UnmanagedType.LPUTF8Str)] string to);

    private string WriteGeneration(string certPem, string keyPem, string caPem)
    {
        var name = $"..2026_11_23_00_00_{this.generation++:00}.{Random.Shared.Next(100000, 999999)}";
        var directory = Path.Combine(Root, name);
        Directory.CreateDirectory(directory);
        File.WriteAllText(Path.Combine(directory, "tls.crt"), certPem);
        File.WriteAllText(Path.Combine(directory, "tls.key"), keyPem);
        File.WriteAllText(Path.Combine(directory, "ca.crt"), caPem);
        return name;
    }
}
