namespace SingleActive.Elector.Kubernetes;

/// <summary>What a <see cref="NamedObjectWatch{T}"/> tells its owner. Called only from the watch's loop, one call at a time.</summary>
/// <typeparam name="T">What the owner reads of the object.</typeparam>
public interface INamedObjectHandler<in T>
    where T : class
{
    /// <summary>
    /// The object as listed (<paramref name="listed"/>; <c>null</c>: no object of that name) or as a watch event showed it.
    /// <paramref name="watchRefused"/>: listing works, but the last watch was refused (403), so a list alone does not
    /// prove the watch works.
    /// </summary>
    /// <returns><c>true</c> when there is nothing more to watch: the loop ends.</returns>
    bool Saw(T? current, bool listed, bool watchRefused);

    /// <summary>
    /// Whether the owner waits for the object to change (checked after each list and event): a watch that then shows no
    /// event for <see cref="NamedObjectWatch{T}.AwaitedChangeRelistInterval"/> (doubling while it stays quiet) is ended and
    /// the object listed again, in case the watch stalled. Never while its lists are not watched (<c>watchRefused</c>):
    /// those come once a minute.
    /// </summary>
    bool AwaitsChange { get; }

    /// <summary>The list or the watch was refused (403): the role lacks <c>list</c> or <c>watch</c>. Asked again after <see cref="NamedObjectWatch{T}.ForbiddenRetryInterval"/>.</summary>
    void Forbidden(string error);

    /// <summary>The list (<paramref name="listed"/> false) or the watch failed otherwise; asked again after a retry period.</summary>
    void Failed(string error, bool listed);
}
