using Microsoft.Azure.Functions.Worker.Builder;
using Microsoft.Extensions.Hosting;
using ServerlessMl;
using ServerlessMl.Functions;

var builder = FunctionsApplication.CreateBuilder(args);
builder.ConfigureFunctionsWebApplication();
builder.Services
    .AddServerlessMlTraining(builder.Configuration)
    .AddServerlessMlServing(builder.Configuration)
    .AddRetrainSchedule(builder.Configuration);

builder.Build().Run();
