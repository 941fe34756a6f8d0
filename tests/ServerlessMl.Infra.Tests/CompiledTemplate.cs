using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;

namespace ServerlessMl.Infra.Tests;

/// <summary>
/// The ARM template that <c>bicep build infra/main.bicep</c> wrote to artifacts/infra/main.json,
/// with every module as a nested <c>Microsoft.Resources/deployments</c> scope. Each
/// <see cref="Load"/> returns a fresh copy, so a test may change it without touching others.
/// </summary>
public sealed class CompiledTemplate
{
    public const string RelativePath = "artifacts/infra/main.json";

    private static readonly Lazy<JsonObject> Cached = new(LoadFromDisk);

    private CompiledTemplate(JsonObject root)
    {
        Root = root;
        RootScope = new TemplateScope(root, parent: null, deployment: null, name: "main");
    }

    public JsonObject Root { get; }

    public TemplateScope RootScope { get; }

    public IEnumerable<TemplateScope> Scopes => RootScope.SelfAndDescendants();

    /// <summary>Resources the deployment creates or updates (not <c>existing</c> references), in every scope.</summary>
    public IEnumerable<TemplateResource> DeployedResources =>
        Scopes.SelectMany(scope => scope.Resources).Where(resource => !resource.IsExisting);

    public static CompiledTemplate Load() => new((JsonObject)Cached.Value.DeepClone());

    public string ToJson() => Root.ToJsonString();

    public IReadOnlyList<TemplateResource> Deployed(string type) =>
        DeployedResources.Where(resource => string.Equals(resource.Type, type, StringComparison.OrdinalIgnoreCase)).ToList();

    public TemplateResource SingleDeployed(string type)
    {
        var matches = Deployed(type);
        if (matches.Count != 1)
        {
            throw new InvalidOperationException($"Expected exactly one {type} in the compiled template, found {matches.Count}.");
        }

        return matches[0];
    }

    private static JsonObject LoadFromDisk()
    {
        var root = FindRepositoryRoot();
        var path = Path.Combine(root, RelativePath);
        if (!File.Exists(path))
        {
            throw new InvalidOperationException(
                $"{RelativePath} is missing (looked in {root}). Run scripts/bicep.sh first: it installs the Bicep CLI " +
                "and compiles infra/main.bicep into that file, which these tests read.");
        }

        var node = JsonNode.Parse(File.ReadAllText(path), documentOptions: new JsonDocumentOptions { CommentHandling = JsonCommentHandling.Skip });
        return node as JsonObject ?? throw new InvalidOperationException($"{path} is not a JSON object.");
    }

    /// <summary>Walks up from the test binaries to the folder that holds ServerlessMl.sln (or .slnx).</summary>
    private static string FindRepositoryRoot()
    {
        var overridden = Environment.GetEnvironmentVariable("SERVERLESSML_REPO_ROOT");
        if (!string.IsNullOrWhiteSpace(overridden))
        {
            return overridden;
        }

        for (var directory = new DirectoryInfo(AppContext.BaseDirectory); directory is not null; directory = directory.Parent)
        {
            if (File.Exists(Path.Combine(directory.FullName, "ServerlessMl.sln")) ||
                File.Exists(Path.Combine(directory.FullName, "ServerlessMl.slnx")))
            {
                return directory.FullName;
            }
        }

        throw new InvalidOperationException(
            $"No ServerlessMl.sln above {AppContext.BaseDirectory}; set SERVERLESSML_REPO_ROOT to the repository root.");
    }
}

/// <summary>
/// One template: the root one or a module's nested template. Resolves ARM expressions into text
/// that names where values come from, by substituting parameters (from the calling deployment or
/// defaults), variables and module outputs. That is enough to assert on, not an ARM evaluator.
/// </summary>
public sealed partial class TemplateScope
{
    private const int MaxDepth = 40;

    internal TemplateScope(JsonObject template, TemplateScope? parent, JsonObject? deployment, string name)
    {
        Template = template;
        Parent = parent;
        Deployment = deployment;
        Name = name;
    }

    public JsonObject Template { get; }

    public TemplateScope? Parent { get; }

    /// <summary>The <c>Microsoft.Resources/deployments</c> resource (in the parent) that runs this template.</summary>
    public JsonObject? Deployment { get; }

    public string Name { get; }

    public IEnumerable<TemplateResource> Resources
    {
        get
        {
            switch (Template["resources"])
            {
                case JsonArray array:
                    foreach (var item in array.OfType<JsonObject>())
                    {
                        yield return new TemplateResource(this, symbolicName: null, item);
                    }

                    break;
                case JsonObject symbolic: // languageVersion 2.0: resources keyed by symbolic name
                    foreach (var (key, value) in symbolic)
                    {
                        if (value is JsonObject item)
                        {
                            yield return new TemplateResource(this, key, item);
                        }
                    }

                    break;
                default:
                    break;
            }
        }
    }

    public IEnumerable<TemplateScope> Children =>
        Resources
            .Where(resource => string.Equals(resource.Type, "Microsoft.Resources/deployments", StringComparison.OrdinalIgnoreCase))
            .Where(resource => resource.Node["properties"]?["template"] is JsonObject)
            .Select(resource => new TemplateScope(
                (JsonObject)resource.Node["properties"]!["template"]!,
                this,
                resource.Node,
                resource.Node["name"]?.GetValue<string>() ?? "?"));

    public IEnumerable<TemplateScope> SelfAndDescendants()
    {
        yield return this;
        foreach (var descendant in Children.SelectMany(child => child.SelfAndDescendants()))
        {
            yield return descendant;
        }
    }

    public static bool IsExpression(string value) =>
        value.Length >= 2 && value[0] == '[' && value[^1] == ']' && !value.StartsWith("[[", StringComparison.Ordinal);

    /// <summary>
    /// A literal string comes back as it is; an expression comes back resolved (without its brackets);
    /// other JSON comes back as JSON text. Missing: empty string.
    /// </summary>
    public string Resolve(JsonNode? node)
    {
        if (node is null)
        {
            return string.Empty;
        }

        if (node is JsonValue value && value.GetValueKind() == JsonValueKind.String)
        {
            var text = value.GetValue<string>();
            return IsExpression(text) ? ResolveExpression(text[1..^1], depth: 0) : text;
        }

        return ResolveJson(node, depth: 0);
    }

    private string ResolveExpression(string expression, int depth)
    {
        if (depth > MaxDepth)
        {
            return expression;
        }

        return ReferencePattern().Replace(expression, match => match.Groups["module"].Success
            ? ResolveModuleOutput(match, depth)
            : match.Groups["parameter"].Success
                ? ResolveParameter(match.Groups["parameter"].Value, match.Value, depth)
                : ResolveVariable(match.Groups["variable"].Value, match.Groups["path"].Value, match.Value, depth));
    }

    private string ResolveParameter(string name, string original, int depth)
    {
        if (Deployment?["properties"]?["parameters"]?[name] is JsonObject passed && Parent is not null)
        {
            return Parent.AsOperand(passed["value"], depth + 1);
        }

        var defaultValue = Template["parameters"]?[name]?["defaultValue"];
        return defaultValue is null ? original : AsOperand(defaultValue, depth + 1);
    }

    private string ResolveVariable(string name, string path, string original, int depth)
    {
        var node = Template["variables"]?[name];
        foreach (var segment in path.Split('.', StringSplitOptions.RemoveEmptyEntries))
        {
            node = node?[segment];
        }

        return node is null ? original : AsOperand(node, depth + 1);
    }

    private string ResolveModuleOutput(Match match, int depth)
    {
        var module = Children.FirstOrDefault(child => child.Name == match.Groups["module"].Value);
        var output = module?.Template["outputs"]?[match.Groups["output"].Value]?["value"];
        return module is null || output is null ? match.Value : module.AsOperand(output, depth + 1);
    }

    /// <summary>A value as it would stand inside an expression: 'literal', (resolved expression) or JSON.</summary>
    private string AsOperand(JsonNode? node, int depth)
    {
        if (node is JsonValue value && value.GetValueKind() == JsonValueKind.String)
        {
            var text = value.GetValue<string>();
            return IsExpression(text)
                ? $"({ResolveExpression(text[1..^1], depth)})"
                : $"'{text.Replace("'", "''", StringComparison.Ordinal)}'";
        }

        return node is null ? "null" : ResolveJson(node, depth);
    }

    private string ResolveJson(JsonNode node, int depth) => node switch
    {
        JsonObject obj => "{" + string.Join(", ", obj.Select(pair => $"{pair.Key}: {AsOperand(pair.Value, depth)}")) + "}",
        JsonArray array => "[" + string.Join(", ", array.Select(item => AsOperand(item, depth))) + "]",
        _ => node.ToJsonString(),
    };

    [GeneratedRegex(
        @"reference\(resourceId\('Microsoft\.Resources/deployments', '(?<module>[^']+)'\), '[^']+'\)\.outputs\.(?<output>[A-Za-z0-9_]+)\.value" +
        @"|parameters\('(?<parameter>[^']+)'\)" +
        @"|variables\('(?<variable>[^']+)'\)(?<path>(?:\.[A-Za-z_][A-Za-z0-9_]*)*)",
        RegexOptions.CultureInvariant)]
    private static partial Regex ReferencePattern();
}

/// <summary>A resource in one template scope.</summary>
public sealed class TemplateResource(TemplateScope scope, string? symbolicName, JsonObject node)
{
    public TemplateScope Scope { get; } = scope;

    public string? SymbolicName { get; } = symbolicName;

    public JsonObject Node { get; } = node;

    public string Type => Node["type"]?.GetValue<string>() ?? string.Empty;

    public bool IsExisting => Node["existing"] is JsonValue value && value.GetValueKind() == JsonValueKind.True;

    /// <summary>The raw node at a dotted path such as <c>properties.siteConfig.appSettings</c>.</summary>
    public JsonNode? At(string path)
    {
        JsonNode? current = Node;
        foreach (var segment in path.Split('.'))
        {
            current = current is JsonObject obj ? obj[segment] : null;
        }

        return current;
    }

    public string Resolve(string path) => Scope.Resolve(At(path));

    public override string ToString() => $"{Type} {SymbolicName ?? Node["name"]?.ToString()} (module {Scope.Name})";
}
