namespace LockActors.Table;

/// <summary>
/// Marks an owner reference that owns one grant and is never used again once it holds nothing
/// (the client's per-lock owners): the table unwatches it at once instead of keeping it watched
/// in case it locks again.
/// </summary>
internal interface ISingleUseOwner
{
}
