using System.ComponentModel.DataAnnotations;
using System.Reflection;
using System.Text.Json;
using System.Text.Json.Serialization;

namespace ServerlessMl.Http;

/// <summary>
/// A request type's validation rules (its data annotations, <see cref="IValidatableObject"/> and a
/// model's text limit), read once (the binder keeps one per type) and checked on every bound request with the messages
/// DataAnnotations would give. <c>[Required]</c> and numeric <c>[Range]</c>, the rules on almost
/// every field, are checked without DataAnnotations' per-call conversions: on the predict path they
/// ran for every item of every batch.
/// </summary>
internal sealed class RequestValidator
{
    private readonly Type _type;
    private readonly FieldRule[] _rules;
    private readonly bool _validatable;

    public RequestValidator(Type type, int? maxTextLength)
    {
        _type = type;
        _validatable = typeof(IValidatableObject).IsAssignableFrom(type);
        _rules =
        [
            .. type.GetProperties(BindingFlags.Public | BindingFlags.Instance)
                .Select(p => new FieldRule(p, JsonName(type, p.Name), [.. p.GetCustomAttributes<ValidationAttribute>(inherit: true).Select(Check.Of)],
                    p.PropertyType == typeof(string) ? maxTextLength : null))
                .Where(r => r.Checks.Length > 0 || r.MaxTextLength is not null),
        ];
    }

    /// <summary>True when <paramref name="request"/> passes every rule; otherwise its errors are added under <paramref name="item"/>.</summary>
    public bool Validate(object request, int item, FieldErrors errors)
    {
        var valid = true;
        foreach (var rule in _rules)
        {
            var value = rule.Property.GetValue(request);
            if (rule.MaxTextLength is { } most && value is string text && text.Length > most)
            {
                errors.Add(item, rule.JsonName, $"The field {rule.JsonName} must be at most {most} characters long.");
                valid = false;
                continue;
            }

            foreach (var check in rule.Checks)
            {
                if (!check.IsValid(value))
                {
                    errors.Add(item, rule.JsonName, check.Attribute.FormatErrorMessage(rule.JsonName));
                    valid = false;
                    break;
                }
            }
        }

        if (valid && _validatable)
        {
            foreach (var result in ((IValidatableObject)request).Validate(new ValidationContext(request)))
            {
                foreach (var member in result.MemberNames.DefaultIfEmpty(string.Empty))
                {
                    errors.Add(item, member.Length == 0 ? null : JsonName(_type, member), result.ErrorMessage ?? "is invalid");
                }

                valid = false;
            }
        }

        return valid;
    }

    private static string JsonName(Type type, string member)
    {
        var property = type.GetProperty(member);
        return property?.GetCustomAttribute<JsonPropertyNameAttribute>()?.Name ?? JsonNamingPolicy.CamelCase.ConvertName(member);
    }

    private sealed record FieldRule(PropertyInfo Property, string JsonName, Check[] Checks, int? MaxTextLength);

    /// <summary>One attribute's test: DataAnnotations' own, or an equivalent without its conversions.</summary>
    private class Check(ValidationAttribute attribute)
    {
        public ValidationAttribute Attribute { get; } = attribute;

        public virtual bool IsValid(object? value) => Attribute.IsValid(value);

        public static Check Of(ValidationAttribute attribute) => attribute switch
        {
            RequiredAttribute required => new RequiredCheck(required),
            RangeAttribute { Minimum: int or double, Maximum: int or double } range when range.OperandType == typeof(int) || range.OperandType == typeof(double)
                => new NumberRangeCheck(range),
            _ => new Check(attribute),
        };
    }

    private sealed class RequiredCheck(RequiredAttribute required) : Check(required)
    {
        public override bool IsValid(object? value) =>
            value is string text ? required.AllowEmptyStrings || !string.IsNullOrWhiteSpace(text) : value is not null;
    }

    private sealed class NumberRangeCheck(RangeAttribute range) : Check(range)
    {
        private readonly double _min = Convert.ToDouble(range.Minimum, System.Globalization.CultureInfo.InvariantCulture);
        private readonly double _max = Convert.ToDouble(range.Maximum, System.Globalization.CultureInfo.InvariantCulture);

        public override bool IsValid(object? value) => value switch
        {
            null => true, // as RangeAttribute: absence is [Required]'s business
            double d => InRange(d),
            int n => InRange(n),
            _ => Attribute.IsValid(value),
        };

        private bool InRange(double x) =>
            (range.MinimumIsExclusive ? x > _min : x >= _min) && (range.MaximumIsExclusive ? x < _max : x <= _max);
    }
}

/// <summary>Field errors of a body, keyed by JSON path (<c>$</c>, <c>field</c>, <c>[3]</c>, <c>[3].field</c>); nothing is allocated until the first.</summary>
internal sealed class FieldErrors
{
    public const int NoItem = -1;

    public Dictionary<string, string[]>? All { get; private set; }

    public void Add(int item, string? field, string message)
    {
        var key = item == NoItem ? field ?? "$" : field is null ? $"[{item}]" : $"[{item}].{field}";
        (All ??= new Dictionary<string, string[]>(StringComparer.Ordinal))[key] = [message];
    }
}
