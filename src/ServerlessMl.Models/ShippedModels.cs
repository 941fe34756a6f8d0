using ServerlessMl.Definitions;
using ServerlessMl.Models.BikeDemand;
using ServerlessMl.Models.SmsSpam;

namespace ServerlessMl.Models;

/// <summary>The models that ship as examples, registered in one place for the Functions app, serve, the CLI and the tests.</summary>
public static class ShippedModels
{
    public static ServerlessMlBuilder AddShippedModels(this ServerlessMlBuilder builder)
    {
        ArgumentNullException.ThrowIfNull(builder);
        return builder.AddModel<BikeDemandModel>().AddModel<SmsSpamModel>();
    }
}
