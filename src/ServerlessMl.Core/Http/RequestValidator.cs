using System.ComponentModel.DataAnnotations;
using System.Reflection;
using System.Text.Json;
using System.Text.Json.Serialization;
using ServerlessMl.Definitions;

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
        var row = TabularRows.IsRow(type);
        _rules =
        [
            .. type.GetProperties(BindingFlags.Public | BindingFlags.Instance)
                .Where(p => !row || !TabularRows.IsLabel(p))
                .Select(p => FieldRule.For(p, JsonName(type, p.Name), ChecksOf(p, row), p.PropertyType == typeof(string) ? maxTextLength : null))
                .OfType<FieldRule>(),
        ];
    }

    /// <summary>The property's checks; a tabular row's request field is required whether or not it says so (as the binder reads it).</summary>
    private static Check[] ChecksOf(PropertyInfo property, bool row)
    {
        var attributes = property.GetCustomAttributes<ValidationAttribute>(inherit: true).ToList();
        if (row && TabularRows.IsRequestField(property) && !attributes.OfType<RequiredAttribute>().Any())
        {
            attributes.Insert(0, new RequiredAttribute());
        }

        return [.. attributes.Select(Check.Of)];
    }

    /// <summary>True when <paramref name="request"/> passes every rule; otherwise its errors are added under <paramref name="item"/>.</summary>
    public bool Validate(object request, int item, FieldErrors errors)
    {
        var valid = true;
        foreach (var rule in _rules)
        {
            valid &= rule.Validate(request, item, errors);
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

    /// <summary>One field's rules: its checks in declaration order, the first that fails gives its message.</summary>
    private abstract class FieldRule(string jsonName)
    {
        protected string JsonName { get; } = jsonName;

        public abstract bool Validate(object request, int item, FieldErrors errors);

        /// <summary>The rule for a property, or null when it has none.</summary>
        /// <remarks>
        /// A number with only [Required] and numeric [Range] (almost every field of a request) is read
        /// through a typed getter and checked as a number: no reflection call and no boxing per
        /// item. Anything else is read as an object through a compiled getter and checked by its
        /// checks as they are.
        /// </remarks>
        public static FieldRule? For(PropertyInfo property, string jsonName, Check[] checks, int? maxTextLength)
        {
            if ((checks.Length == 0 && maxTextLength is null) || property.GetMethod is null)
            {
                return null;
            }

            return maxTextLength is null && checks.All(c => c is NumberCheck) && Getters.Number(property) is { } number
                ? new NumberRule(jsonName, number, [.. checks.Cast<NumberCheck>()])
                : new ObjectRule(jsonName, Getters.Object(property), checks, maxTextLength);
        }
    }

    private sealed class NumberRule(string jsonName, Func<object, double?> read, NumberCheck[] checks) : FieldRule(jsonName)
    {
        public override bool Validate(object request, int item, FieldErrors errors)
        {
            var value = read(request);
            foreach (var check in checks)
            {
                if (!check.IsValid(value))
                {
                    errors.Add(item, JsonName, check.Attribute.FormatErrorMessage(JsonName));
                    return false;
                }
            }

            return true;
        }
    }

    private sealed class ObjectRule(string jsonName, Func<object, object?> read, Check[] checks, int? maxTextLength) : FieldRule(jsonName)
    {
        public override bool Validate(object request, int item, FieldErrors errors)
        {
            var value = read(request);
            // Counted once, for the model's limit and the type's own length rules alike.
            int? length = maxTextLength is not null && value is string text ? RequestText.Length(text) : null;
            if (length > maxTextLength)
            {
                errors.Add(item, JsonName, $"The field {JsonName} must be at most {maxTextLength} characters long.");
                return false;
            }

            foreach (var check in checks)
            {
                if (!(length is { } counted && check is TextLengthCheck lengthCheck ? lengthCheck.IsValidLength(counted) : check.IsValid(value)))
                {
                    errors.Add(item, JsonName, check.Attribute.FormatErrorMessage(JsonName));
                    return false;
                }
            }

            return true;
        }
    }

    /// <summary>Getters built once per property from its get method: typed delegates, not reflection calls.</summary>
    private static class Getters
    {
        private static readonly MethodInfo TypedMethod = typeof(Getters).GetMethod(nameof(Typed), BindingFlags.NonPublic | BindingFlags.Static)!;

        public static Func<object, object?> Object(PropertyInfo property)
        {
            var boxed = typeof(Getters).GetMethod(nameof(Boxed), BindingFlags.NonPublic | BindingFlags.Static)!.MakeGenericMethod(property.PropertyType);
            return (Func<object, object?>)boxed.Invoke(null, [property])!;
        }

        public static Func<object, double?>? Number(PropertyInfo property)
        {
            var type = property.PropertyType;
            return type == typeof(double?) ? Of<double?>(property, v => v)
                : type == typeof(double) ? Of<double>(property, v => v)
                : type == typeof(int?) ? Of<int?>(property, v => v)
                : type == typeof(int) ? Of<int>(property, v => v)
                : type == typeof(float?) ? Of<float?>(property, v => v)
                : type == typeof(float) ? Of<float>(property, v => v)
                : type == typeof(long?) ? Of<long?>(property, v => v)
                : type == typeof(long) ? Of<long>(property, v => v)
                : null;
        }

        private static Func<object, double?> Of<TValue>(PropertyInfo property, Func<TValue, double?> toNumber)
        {
            var read = Get<TValue>(property);
            return request => toNumber(read(request));
        }

        private static Func<object, object?> Boxed<TValue>(PropertyInfo property)
        {
            var read = Get<TValue>(property);
            return request => read(request);
        }

        private static Func<object, TValue> Get<TValue>(PropertyInfo property) =>
            (Func<object, TValue>)TypedMethod.MakeGenericMethod(property.DeclaringType!, typeof(TValue)).Invoke(null, [property])!;

        private static Func<object, TValue> Typed<TRequest, TValue>(PropertyInfo property)
        {
            var get = property.GetMethod!.CreateDelegate<Func<TRequest, TValue>>();
            return request => get((TRequest)request);
        }
    }

    /// <summary>One attribute's test: DataAnnotations' own, or an equivalent without its conversions.</summary>
    private class Check(ValidationAttribute attribute)
    {
        public ValidationAttribute Attribute { get; } = attribute;

        public virtual bool IsValid(object? value) => Attribute.IsValid(value);

        public static Check Of(ValidationAttribute attribute) => attribute switch
        {
            RequiredAttribute required => new RequiredCheck(required),
            StringLengthAttribute length => new TextLengthCheck(length, length.MinimumLength, length.MaximumLength),
            MaxLengthAttribute length => new TextLengthCheck(length, 0, length.Length < 0 ? int.MaxValue : length.Length),
            MinLengthAttribute length => new TextLengthCheck(length, length.Length, int.MaxValue),
            RangeAttribute { Minimum: int or double, Maximum: int or double } range when range.OperandType == typeof(int) || range.OperandType == typeof(double)
                => new NumberRangeCheck(range),
            _ => new Check(attribute),
        };
    }

    /// <summary>A check that can also test a number read without boxing (see <see cref="NumberRule"/>).</summary>
    private abstract class NumberCheck(ValidationAttribute attribute) : Check(attribute)
    {
        public abstract bool IsValid(double? value);
    }

    private sealed class RequiredCheck(RequiredAttribute required) : NumberCheck(required)
    {
        public override bool IsValid(object? value) =>
            value is string text ? required.AllowEmptyStrings || RequestText.HasVisibleCharacter(text) : value is not null;

        public override bool IsValid(double? value) => value is not null;
    }

    /// <summary>A length rule that counts a string's characters as <see cref="RequestText"/> does, not its UTF-16 code units; anything else is the attribute's.</summary>
    private sealed class TextLengthCheck(ValidationAttribute attribute, int min, int max) : Check(attribute)
    {
        public override bool IsValid(object? value) =>
            value is string text ? IsValidLength(RequestText.Length(text)) : Attribute.IsValid(value);

        public bool IsValidLength(int length) => length >= min && length <= max;
    }

    private sealed class NumberRangeCheck(RangeAttribute range) : NumberCheck(range)
    {
        private readonly double _min = Convert.ToDouble(range.Minimum, System.Globalization.CultureInfo.InvariantCulture);
        private readonly double _max = Convert.ToDouble(range.Maximum, System.Globalization.CultureInfo.InvariantCulture);

        public override bool IsValid(object? value) => value switch
        {
            null => true,
            double d => IsValid(d),
            int n => IsValid(n),
            _ => Attribute.IsValid(value),
        };

        // As RangeAttribute: absence is [Required]'s business.
        public override bool IsValid(double? value) => value is not { } x || InRange(x);

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
