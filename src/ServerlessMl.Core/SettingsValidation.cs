using System.ComponentModel.DataAnnotations;
using System.Globalization;
using System.Reflection;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace ServerlessMl;

/// <summary>
/// Binds an options class to its configuration section and checks its data annotations when the
/// host starts, with messages that name the setting as users write it (<c>Serving__MaxBatch</c>),
/// its value and the rule, so a wrong value stops the app with a message that says what to fix.
/// </summary>
internal static class SettingsValidation
{
    public static OptionsBuilder<T> AddValidatedSettings<T>(this IServiceCollection services, IConfiguration configuration, string section)
        where T : class
    {
        ArgumentNullException.ThrowIfNull(configuration);
        return services.AddOptions<T>().Bind(configuration.GetSection(section)).ValidateSettingsOnStart(section);
    }

    /// <summary>The same checks for options bound some other way.</summary>
    public static OptionsBuilder<T> ValidateSettingsOnStart<T>(this OptionsBuilder<T> builder, string section)
        where T : class
    {
        ArgumentNullException.ThrowIfNull(builder);
        builder.Services.AddSingleton<IValidateOptions<T>>(new NamedSettingsValidator<T>(section));
        return builder.ValidateOnStart();
    }

    private sealed class NamedSettingsValidator<T>(string section) : IValidateOptions<T>
        where T : class
    {
        public ValidateOptionsResult Validate(string? name, T options)
        {
            var failures = new List<string>();
            foreach (var property in typeof(T).GetProperties(BindingFlags.Public | BindingFlags.Instance))
            {
                var value = property.GetValue(options);
                var setting = $"{section}__{property.Name}";
                foreach (var rule in property.GetCustomAttributes<ValidationAttribute>(inherit: true))
                {
                    if (!rule.IsValid(value))
                    {
                        failures.Add(string.Create(CultureInfo.InvariantCulture, $"Setting '{setting}' is {value ?? "empty"}: {rule.FormatErrorMessage(setting)}"));
                        break;
                    }
                }
            }

            return failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);
        }
    }
}
