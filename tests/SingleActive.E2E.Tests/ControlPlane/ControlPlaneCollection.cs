namespace SingleActive.E2E.Tests.ControlPlane;

/// <summary>
/// Every test that needs the API server joins this collection: one control plane for the whole
/// run (starting one takes seconds), and its tests run one after another.
/// </summary>
[CollectionDefinition(Name)]
public sealed class ControlPlaneCollection : ICollectionFixture<ControlPlaneFixture>
{
    public const string Name = "ControlPlane";
}
