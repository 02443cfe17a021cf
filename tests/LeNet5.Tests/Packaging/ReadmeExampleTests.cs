using System.IO.Compression;
using System.Security.Cryptography;
using System.Text.RegularExpressions;
using System.Xml.Linq;
using LeNet5.Data;
using LeNet5.Serialization;

namespace LeNet5.Tests.Packaging;

/// <summary>
/// The package proved as a package: its contents, and the README's first C# block compiled and run as a console
/// program against it, restored from a local folder feed into a packages folder of its own (so that no LeNet5 of the
/// same version cached earlier can stand in), with <c>LENET5_DATA</c> pointing at the committed MNIST subset.
/// </summary>
[Trait("Category", "Slow")]
public sealed partial class ReadmeExampleTests(PackedPackage package, ITestOutputHelper output) : IClassFixture<PackedPackage>, IDisposable
{
    private readonly string _folder = Directory.CreateTempSubdirectory("lenet5-readme-").FullName;

    public void Dispose()
    {
        try
        {
            Directory.Delete(_folder, recursive: true);
        }
        catch (IOException)
        {
        }
    }

    [Fact]
    public void ThePackage_HasBothFrameworks_Docs_Readme_Licence_Repository_AndSymbols()
    {
        Assert.True(File.Exists(package.Package), $"no {package.Package}");
        Assert.True(File.Exists(package.Symbols), $"no {package.Symbols}");
        using (ZipArchive nupkg = ZipFile.OpenRead(package.Package))
        {
            string[] entries = nupkg.Entries.Select(e => e.FullName).ToArray();
            foreach (string expected in new[] { "README.md", "lib/net8.0/LeNet5.dll", "lib/net8.0/LeNet5.xml", "lib/net10.0/LeNet5.dll", "lib/net10.0/LeNet5.xml" })
            {
                Assert.Contains(expected, entries);
            }

            XElement metadata = XDocument.Load(nupkg.GetEntry("LeNet5.nuspec")!.Open()).Root!.Elements().Single(e => e.Name.LocalName == "metadata");
            string Field(string name) => metadata.Elements().Single(e => e.Name.LocalName == name).Value;
            XElement Element(string name) => metadata.Elements().Single(e => e.Name.LocalName == name);
            Assert.Equal(package.Version, Field("version"));
            Assert.Equal("MIT", Field("license"));
            Assert.Equal("expression", Element("license").Attribute("type")?.Value);
            Assert.Equal("README.md", Field("readme"));
            Assert.Equal("git", Element("repository").Attribute("type")?.Value);
            Assert.StartsWith("https://", Element("repository").Attribute("url")?.Value, StringComparison.Ordinal);
            Assert.StartsWith("https://", Field("projectUrl"), StringComparison.Ordinal);
        }

        using ZipArchive snupkg = ZipFile.OpenRead(package.Symbols);
        Assert.Contains("lib/net8.0/LeNet5.pdb", snupkg.Entries.Select(e => e.FullName));
        Assert.Contains("lib/net10.0/LeNet5.pdb", snupkg.Entries.Select(e => e.FullName));
    }

    [Fact]
    public void TheReadmesFirstCSharpBlock_CompilesAgainstThePackage_AndReadsATestDigit()
    {
        string readme = File.ReadAllText(Path.Combine(TestPaths.RepositoryRoot, "README.md"));
        Match block = CSharpBlock().Match(readme);
        Assert.True(block.Success, "README.md has no ```csharp block");

        string app = Path.Combine(_folder, "app");
        string packages = Path.Combine(_folder, "packages");
        Directory.CreateDirectory(app);
        File.WriteAllText(Path.Combine(app, "Program.cs"), block.Groups["code"].Value);
        File.WriteAllText(Path.Combine(app, "ReadmeExample.csproj"), $"""
            <Project Sdk="Microsoft.NET.Sdk">
              <PropertyGroup>
                <OutputType>Exe</OutputType>
                <TargetFramework>net10.0</TargetFramework>
                <ImplicitUsings>enable</ImplicitUsings>
                <Nullable>enable</Nullable>
                <TreatWarningsAsErrors>true</TreatWarningsAsErrors>
                <RestorePackagesPath>{packages}</RestorePackagesPath>
              </PropertyGroup>
              <ItemGroup>
                <PackageReference Include="LeNet5" Version="{package.Version}" />
              </ItemGroup>
            </Project>
            """);
        // The default sources (for LeNet5's own dependencies) and the freshly packed package's folder.
        File.WriteAllText(Path.Combine(app, "nuget.config"), $"""
            <?xml version="1.0" encoding="utf-8"?>
            <configuration>
              <packageSources>
                <add key="lenet5-packed" value="{package.Folder}" />
              </packageSources>
            </configuration>
            """);

        var environment = new Dictionary<string, string>
        {
            ["NUGET_PACKAGES"] = packages,
            [DataDirectory.EnvironmentVariable] = TestPaths.MnistSubsetDirectory,
        };
        DotNet.Run(app, environment, TimeSpan.FromMinutes(5), "build", "-c", "Release");

        // The restored package is the one just packed, byte for byte.
        string restored = Path.Combine(packages, "lenet5", package.Version.ToLowerInvariant(), $"lenet5.{package.Version.ToLowerInvariant()}.nupkg");
        Assert.True(File.Exists(restored), $"LeNet5 was not restored into the example's own packages folder: no {restored}");
        Assert.Equal(SHA256.HashData(File.ReadAllBytes(package.Package)), SHA256.HashData(File.ReadAllBytes(restored)));

        var run = DotNet.Run(app, environment, TimeSpan.FromMinutes(3), Path.Combine(app, "bin", "Release", "net10.0", "ReadmeExample.dll"));
        output.WriteLine(run.Output);
        Match said = Regex.Match(run.Output, @"test image 0: the network says (?<digit>\d) \(.*\); its label is (?<label>\d)");
        Assert.True(said.Success, $"the example printed no prediction:\n{run.Output}");
        byte label = MnistDataset.LoadTest(TestPaths.MnistSubsetDirectory, 1).Label(0);
        Assert.Equal(label.ToString(System.Globalization.CultureInfo.InvariantCulture), said.Groups["label"].Value);
        Assert.True(said.Groups["digit"].Value == said.Groups["label"].Value, $"the example misread test image 0:\n{run.Output}");

        // The model it saved loads, and gives the digit it printed.
        var model = ModelFile.Load(Path.Combine(app, "lenet5.safetensors"));
        Assert.Equal(label, model.Predict(MnistDataset.LoadTest(TestPaths.MnistSubsetDirectory, 1).Image(0)).Digit);
    }

    [GeneratedRegex(@"^```csharp\n(?<code>.*?)^```", RegexOptions.Singleline | RegexOptions.Multiline)]
    private static partial Regex CSharpBlock();
}
