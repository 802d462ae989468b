using System.Reflection;
using SingleActive.Core.Build;

namespace SingleActive.Core.Tests.Build;

public sealed class BuildVersionTests
{
    /// <summary>The constant SingleActive.Core.csproj writes is the informational version the SDK put into the assembly.</summary>
    [Fact]
    public void BuildVersion_Current_TheInformationalVersionOfTheBuild()
    {
        var informational = typeof(BuildVersion).Assembly.GetCustomAttribute<AssemblyInformationalVersionAttribute>()!.InformationalVersion;

        var build = BuildVersion.Current;

        Assert.Equal(informational, build.Revision.Length == 0 ? build.Version : $"{build.Version}+{build.Revision}");
        Assert.Matches(@"^\d+\.\d+\.\d+(-[0-9A-Za-z.-]+)?$", build.Version);
    }

    [Theory]
    [InlineData("1.2.3+0123abcd", "1.2.3", "0123abcd")]
    [InlineData("1.2.3", "1.2.3", "")]
    [InlineData("1.2.3-rc.1+a+b", "1.2.3-rc.1", "a+b")]
    public void BuildVersion_Parse_SplitsAtTheFirstPlus(string informational, string version, string revision)
    {
        var build = BuildVersion.Parse(informational);

        Assert.Equal(new BuildVersion(version, revision), build);
        Assert.Equal([new("version", version), new("revision", revision)], build.Labels());
    }
}
