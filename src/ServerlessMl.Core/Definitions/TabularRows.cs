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

    /// <summary>The fields of a row type's request: every loaded column but the label, each required.</summary>
    public static bool IsRequestField(PropertyInfo property) =>
        property.IsDefined(typeof(LoadColumnAttribute)) && !IsLabel(property);

    /// <summary>
    /// What is wrong with a row; null when every loaded value is present and valid. A column is
    /// named as the file's header names it (<paramref name="header"/>), else by its JSON name.
    /// </summary>
    public static string? Problem<TRow>(TRow row, IReadOnlyList<string>? header)
        where TRow : class
    {
        foreach (var column in Columns.GetOrAdd(typeof(TRow), ColumnsOf))
        {
            var value = column.Property.GetValue(row);
            var name = header is not null && column.Index < header.Count ? header[column.Index] : column.JsonName;
            if (value is float.NaN or double.NaN || (column.Property.PropertyType == typeof(string) && string.IsNullOrEmpty((string?)value)))
            {
                return $"{name} is missing or not a number";
            }

            foreach (var rule in column.Rules)
            {
                if (!rule.IsValid(value))
                {
                    return $"{name} {value}: {rule.FormatErrorMessage(name)}";
                }
            }
        }

        return null;
    }

    private static Column[] ColumnsOf(Type type) =>
    [
        .. type.GetProperties(BindingFlags.Public | BindingFlags.Instance)
            .Where(p => p.IsDefined(typeof(LoadColumnAttribute)))
            .Select(p => new Column(
                p,
                LoadIndex(p),
                JsonNamingPolicy.CamelCase.ConvertName(p.Name),
                [.. p.GetCustomAttributes<ValidationAttribute>(inherit: true)])),
    ];

    // LoadColumnAttribute keeps its index to itself; its constructor argument says it.
    private static int LoadIndex(PropertyInfo property) =>
        property.GetCustomAttributesData().First(a => a.AttributeType == typeof(LoadColumnAttribute)).ConstructorArguments[0].Value is int index ? index : -1;

    private sealed record Column(PropertyInfo Property, int Index, string JsonName, ValidationAttribute[] Rules);
}
