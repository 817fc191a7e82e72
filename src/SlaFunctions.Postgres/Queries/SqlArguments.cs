namespace SlaFunctions.Postgres.Queries;

/// <summary>
/// Positional parameters collected while a query's conditions are put together: the SQL names each by number.
/// </summary>
internal sealed class SqlArguments
{
    private readonly List<object?> values = [];

    public object?[] Values => [.. values];

    /// <summary>Adds a value and answers its placeholder, with a cast where the SQL needs the type.</summary>
    public string Add(object? value, string? type = null)
    {
        values.Add(value);
        return type is null ? $"${values.Count}" : $"${values.Count}::{type}";
    }
}
