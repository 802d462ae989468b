namespace SingleActive.Elector.Health;

/// <summary>One check of the app's health; <c>false</c> (or an exception) is a failure.</summary>
public interface IAppHealthCheck
{
    Task<bool> CheckAsync(TimeSpan timeout, CancellationToken cancellationToken);
}
