using System.Net;

namespace SingleActive.Elector.Kubernetes;

/// <summary>Which failed API calls are worth trying again soon.</summary>
internal static class ApiFailures
{
    /// <summary>
    /// Whether <paramref name="failure"/> of an API call may pass if the same call is made again shortly: no answer
    /// (<see cref="TimeoutException"/>: the client's call deadline), no connection (<see cref="HttpRequestException"/>,
    /// <see cref="IOException"/>: refused, reset, but also a failed name lookup or TLS handshake, which a retry within
    /// seconds rarely mends and never harms), or an answer saying so: 429 Too Many Requests
    /// (API Priority and Fairness, the max-in-flight limit) and 5xx (an API server starting, stopping or losing etcd).
    /// A 4xx other than 429 says the request itself is refused (403: RBAC; 422: invalid) and will be refused again,
    /// as will a successful answer that is not JSON.
    /// Cancellation is the caller's to judge: it is never counted here.
    /// </summary>
    public static bool MayPass(Exception failure) => failure switch
    {
        KubeApiException { StatusCode: HttpStatusCode.TooManyRequests } => true,
        KubeApiException api => (int)api.StatusCode >= 500,
        TimeoutException or HttpRequestException or IOException => true,
        _ => false,
    };
}
