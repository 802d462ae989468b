namespace SingleActive.Elector.Tests.Leases;

/// <summary>What a cut connection to the API server looks like to one elector.</summary>
public enum LeaseFault
{
    None,

    /// <summary>Every call fails at once (connection refused).</summary>
    Fail,

    /// <summary>Every call hangs until its caller gives up; watch events stop arriving (a black hole).</summary>
    Hang,
}
