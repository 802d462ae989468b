namespace SingleActive.Kubectl.Doctor;

/// <summary>Errors break single-active's promise (no elector, two endpoints, stuck rollouts); warnings trap operators; info only says how things are.</summary>
public enum Severity
{
    Info,
    Warning,
    Error,
}
