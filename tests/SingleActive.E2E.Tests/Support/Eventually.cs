namespace SingleActive.E2E.Tests.Support;

/// <summary>Polling waits with a message that names what never happened.</summary>
public static class Eventually
{
    public static async Task<T> SucceedsAsync<T>(Func<Task<T>> action, TimeSpan timeout, string what, TimeSpan? interval = null)
    {
        var deadline = DateTime.UtcNow + timeout;
        while (true)
        {
            try
            {
                return await action();
            }
            catch (Exception exception) when (DateTime.UtcNow < deadline && exception is not OutOfMemoryException)
            {
                await Task.Delay(interval ?? TimeSpan.FromMilliseconds(200));
            }
            catch (Exception exception)
            {
                throw new TimeoutException($"timed out after {timeout.TotalSeconds}s waiting for {what}: {exception.Message}", exception);
            }
        }
    }

    public static async Task UntilAsync(Func<Task<bool>> condition, TimeSpan timeout, string what, TimeSpan? interval = null)
    {
        var deadline = DateTime.UtcNow + timeout;
        while (!await condition())
        {
            if (DateTime.UtcNow >= deadline)
            {
                throw new TimeoutException($"timed out after {timeout.TotalSeconds}s waiting for {what}");
            }

            await Task.Delay(interval ?? TimeSpan.FromMilliseconds(200));
        }
    }
}
