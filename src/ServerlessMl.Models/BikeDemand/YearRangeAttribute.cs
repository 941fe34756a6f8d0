using ServerlessMl.Definitions;
using System.ComponentModel.DataAnnotations;
using System.Globalization;

namespace ServerlessMl.Models.BikeDemand;

/// <summary>
/// A time whose year (as given, local) lies from <see cref="Minimum"/> to <see cref="Maximum"/>: far
/// outside the years the model learnt from, a forecast is a guess. An absent value passes (that is
/// <c>[Required]</c>'s business).
/// </summary>
[AttributeUsage(AttributeTargets.Property | AttributeTargets.Field | AttributeTargets.Parameter)]
public sealed class YearRangeAttribute : ValidationAttribute
{
    public YearRangeAttribute(int minimum, int maximum)
        : base("The field {0} must be a time in the years {1}-{2}.")
    {
        Minimum = minimum;
        Maximum = maximum;
    }

    public int Minimum { get; }

    public int Maximum { get; }

    public override bool IsValid(object? value) => value switch
    {
        null => true,
        DateTimeOffset time => time.Year >= Minimum && time.Year <= Maximum,
        DateTime time => time.Year >= Minimum && time.Year <= Maximum,
        _ => false,
    };

    public override string FormatErrorMessage(string name) =>
        string.Format(CultureInfo.CurrentCulture, ErrorMessageString, name, Minimum, Maximum);
}
