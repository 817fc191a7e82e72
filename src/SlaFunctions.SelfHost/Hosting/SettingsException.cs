namespace SlaFunctions.SelfHost.Hosting;

/// <summary>A setting the operator must fix; the message names it.</summary>
public sealed class SettingsException(string message) : Exception(message);
