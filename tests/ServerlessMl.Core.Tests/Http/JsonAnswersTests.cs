using System.Text.Encodings.Web;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using ServerlessMl.Http;
using ServerlessMl.Definitions;
using HttpJsonOptions = Microsoft.AspNetCore.Http.Json.JsonOptions;

namespace ServerlessMl.Core.Tests.Http;

/// <summary>The predict answers' writer: the bytes and media type Results.Ok gives, sent with their length.</summary>
public sealed class JsonAnswersTests
{
    public static TheoryData<object> Answers() => new()
    {
        new RegressionAnswer("bike-demand", "0007", 217.31),
        new RegressionBatchAnswer("bike-demand", "0007", [1.5, 0, -2.25e-7, 1e21]),
        new BinaryClassificationAnswer("sms-spam", "0002", "spam", 0.9731),
        new BinaryClassificationBatchAnswer("sms-spam", "0002", [new BinaryAnswer("ham", 0.01), new BinaryAnswer("spam <\"é\">", 1)]),
    };

    [Theory]
    [MemberData(nameof(Answers))]
    public async Task An_answer_is_written_as_Results_Ok_writes_it_with_a_content_length(object answer)
    {
        var (okStatus, okType, _, okBody) = await Execute(Results.Ok(answer));

        var (status, type, length, body) = await Execute(new JsonAnswers(Options.Create(new HttpJsonOptions())).Ok(answer));

        Assert.Equal((okStatus, okType), (status, type));
        Assert.Equal(okBody, body);
        Assert.Equal(body.Length, length);
    }

    [Fact]
    public async Task The_apps_own_json_options_are_followed()
    {
        var options = new HttpJsonOptions();
        options.SerializerOptions.WriteIndented = true;
        options.SerializerOptions.Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping;
        var answer = new BinaryClassificationAnswer("sms-spam", "0002", "spam <é>", 0.5);

        var (_, _, _, expected) = await Execute(Results.Json(answer, options.SerializerOptions));
        var (_, _, _, body) = await Execute(new JsonAnswers(Options.Create(options)).Ok(answer));

        Assert.Equal(expected, body);
        Assert.Contains("\n", System.Text.Encoding.UTF8.GetString(body), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Answers_written_one_after_another_on_a_thread_do_not_mix()
    {
        var answers = new JsonAnswers(Options.Create(new HttpJsonOptions()));
        var large = new RegressionBatchAnswer("bike-demand", "0001", [.. Enumerable.Range(0, 20_000).Select(i => i + 0.5)]);
        var small = new RegressionAnswer("bike-demand", "0001", 1);

        var (_, _, _, first) = await Execute(answers.Ok(large));
        var (_, _, length, second) = await Execute(answers.Ok(small));

        Assert.True(first.Length > 64 * 1024, "the first answer outgrows the buffer a thread keeps");
        Assert.Equal("""{"model":"bike-demand","version":"0001","prediction":1}""", System.Text.Encoding.UTF8.GetString(second));
        Assert.Equal(second.Length, length);
    }

    private static async Task<(int Status, string? ContentType, long? ContentLength, byte[] Body)> Execute(IResult result)
    {
        var context = new DefaultHttpContext { RequestServices = new ServiceCollection().AddLogging().AddOptions().BuildServiceProvider() };
        using var body = new MemoryStream();
        context.Response.Body = body;
        await result.ExecuteAsync(context);
        await context.Response.CompleteAsync();
        return (context.Response.StatusCode, context.Response.ContentType, context.Response.ContentLength, body.ToArray());
    }
}
