namespace ServerlessMl.Registry;

internal sealed class VersionNotFoundException(string model, string version)
    : Exception($"Model '{model}' has no version '{version}'.")
{
    public string Model { get; } = model;

    public string Version { get; } = version;
}

internal sealed class RegistryConflictException(string message, Exception inner) : Exception(message, inner);
