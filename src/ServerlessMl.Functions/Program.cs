using Microsoft.Azure.Functions.Worker.Builder;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using ServerlessMl.Functions;
using ServerlessMl;

var builder = FunctionsApplication.CreateBuilder(args);
builder.ConfigureFunctionsWebApplication();
// The worker's own ASP.NET Core host would otherwise start an Activity and a logging scope per
// request, and log two lines per request, only for request logs the Functions host already writes.
builder.Logging.AddFilter("Microsoft.AspNetCore.Hosting.Diagnostics", LogLevel.None);
builder.Services.AddFunctionApp(builder.Configuration);

var host = builder.Build();
host.Services.StartModelPreload();
host.Run();
