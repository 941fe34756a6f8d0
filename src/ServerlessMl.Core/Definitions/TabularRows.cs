using System.Collections.Concurrent;
using System.ComponentModel.DataAnnotations;
using System.Reflection;
using System.Text.Json;
using Microsoft.ML.Data;

namespace ServerlessMl.Definitions;

/// <summary>
/// The rules of a flat tabular row (a type whose properties are loaded with <c>LoadColumn</c>):
/// as data, every loaded value must be present and pass the property's data annotations; as a
/// request, the row is sent without its label and every other field is required.
/// </summary>
internal static class TabularRows
{
    private static readonly ConcurrentDictionary<Type, Column[]> Columns = new();

    /// <summary>True for a row type, which serves as its model's request too.</summary>
    public static bool IsRow(Type type) =>
        type.GetProperties(BindingFlags.Public | BindingFlags.Instance).Any(p => p.IsDefined(typeof(LoadColumnAttribute)));

    /// <summary>The property the model learns to predict, which a request does not send.</summary>
    public static bool IsLabel(PropertyInfo property) =>
        (property.GetCustomAttributesData().FirstOrDefault(a => a.AttributeType == typeof(ColumnNameAttribute))?.ConstructorArguments[0].Value as string
            ?? property.Name) == "Label";

    /// <summary>What is wrong with a row; null when every loaded value is present and valid.</summary>
    public static string? Problem<TRow>(TRow row)
        where TRow : class
    {
        foreach (var column in Columns.GetOrAdd(typeof(TRow), ColumnsOf))
        {
            var value = column.Property.GetValue(row);
            if (value is float.NaN or double.NaN || (value is null && column.Property.PropertyType == typeof(string)))
            {
                return $"{column.Name} is missing or not a number";
            }

            foreach (var rule in column.Rules)
            {
                if (!rule.IsValid(value))
                {
                    return $"{column.Name} {value}: {rule.FormatErrorMessage(column.Name)}";
                }
            }
        }

        return null;
    }

    private static Column[] ColumnsOf(Type type) =>
    [
        .. type.GetProperties(BindingFlags.Public | BindingFlags.Instance)
            .Where(p => p.IsDefined(typeof(LoadColumnAttribute)))
            .Select(p => new Column(p, JsonNamingPolicy.CamelCase.ConvertName(p.Name), [.. p.GetCustomAttributes<ValidationAttribute>(inherit: true)])),
    ];

    private sealed record Column(PropertyInfo Property, string Name, ValidationAttribute[] Rules);
}
