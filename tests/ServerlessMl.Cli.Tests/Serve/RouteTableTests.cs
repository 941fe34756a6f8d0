using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using ServerlessMl.Cli.Serve;
using ServerlessMl.Http;
using ServerlessMl.Definitions;
using ServerlessMl.Models;

namespace ServerlessMl.Cli.Tests.Serve;

/// <summary>What serve maps, read from its endpoint table: the route table's routes and nothing else.</summary>
public sealed class RouteTableTests
{
    [Fact]
    public async Task Serve_maps_exactly_the_route_table()
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.Configuration.AddInMemoryCollection(new Dictionary<string, string?> { ["ModelStorage"] = "UseDevelopmentStorage=true" });
        builder.Services.AddServerlessMl(builder.Configuration).AddShippedModels();
        await using var app = builder.Build();
        ApiRoutes.Map(app, new ApiKeys("k", "a"));

        var mapped = ((IEndpointRouteBuilder)app).DataSources
            .SelectMany(d => d.Endpoints)
            .OfType<RouteEndpoint>()
            .Where(e => e.Metadata.GetMetadata<HttpMethodMetadata>() is not null)
            .Select(e => $"{string.Join(",", e.Metadata.GetMetadata<HttpMethodMetadata>()!.HttpMethods)} {e.RoutePattern.RawText}")
            .Order(StringComparer.Ordinal);

        // A GET route takes HEAD too, answered as GET without the body.
        Assert.Equal(
            Routes.All.Select(r => $"{(r.Method == "GET" ? "GET,HEAD" : r.Method)} {r.Path}").Order(StringComparer.Ordinal),
            mapped);
    }

    [Fact]
    public void The_READMEs_route_table_is_the_route_table()
    {
        var rows = File.ReadAllLines(Path.Combine(ServerlessMl.Testing.RepoPaths.Root, "README.md"))
            .Select(line => System.Text.RegularExpressions.Regex.Match(line, @"^\| `(GET|POST|PUT|DELETE|PATCH) (/api/[^`]*)` \| (\w+) \|"))
            .Where(m => m.Success)
            .Select(m => $"{m.Groups[1].Value} {m.Groups[2].Value} {m.Groups[3].Value}")
            .Order(StringComparer.Ordinal);

        Assert.Equal(
            Routes.All.Select(r => $"{r.Method} {r.Path} {(r.Access == RouteAccess.Anonymous ? "none" : r.Access.ToString().ToLowerInvariant())}").Order(StringComparer.Ordinal),
            rows);
    }
}
