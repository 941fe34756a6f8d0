using System.Net.Sockets;
using Azure;
using Azure.Identity;

namespace ServerlessMl.Storage;

/// <summary>
/// The one place that decides whether an exception means "model storage could not be used right
/// now" (unreachable, too slow, refusing our credentials, answering with a server error), as
/// opposed to an answer the caller can act on (404, 409, 412) or a bug. Every route, the pool, the
/// retrain job and the CLI ask here, so an outage is handled the same way everywhere.
/// </summary>
internal static class StorageFailure
{
    /// <summary>True when <paramref name="exception"/> is an outage or a deadline, not a bug.</summary>
    public static bool Is(Exception exception) => exception switch
    {
        // The SDK answers an expected status (404, 409, 412, 304) before we get here; what is left is
        // a server error, throttling, a refused credential or a status with no response at all.
        RequestFailedException => true,
        HttpRequestException or SocketException or TimeoutException => true,
        OperationCanceledException => true,
        AuthenticationFailedException or CredentialUnavailableException => true,
        IOException { InnerException: SocketException } => true,
        AggregateException aggregate => aggregate.InnerExceptions.Count > 0 && aggregate.InnerExceptions.All(Is),
        _ => false,
    };

    /// <summary>A short, stable reason for an outage, with no endpoint or SDK text in it: safe for anonymous callers.</summary>
    public static string Reason(Exception exception) => exception switch
    {
        OperationCanceledException or TimeoutException => "model storage did not answer in time",
        RequestFailedException { Status: 401 or 403 } or AuthenticationFailedException or CredentialUnavailableException
            => "model storage refused this app's credentials",
        AggregateException { InnerExceptions.Count: > 0 } aggregate => Reason(aggregate.InnerExceptions[^1]),
        _ => "model storage is unreachable",
    };
}
