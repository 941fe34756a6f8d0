using Microsoft.AspNetCore.Http;
using ServerlessMl.Http;
using ServerlessMl.Training;

namespace ServerlessMl.Core.Tests.Http;

/// <summary>The status each retrain outcome gets, the same under both hosts (one handler).</summary>
public sealed class RetrainAnswerTests
{
    [Theory]
    [InlineData(RetrainStatus.Promoted, null, StatusCodes.Status200OK)]
    [InlineData(RetrainStatus.Rejected, null, StatusCodes.Status200OK)]
    [InlineData(RetrainStatus.Skipped, null, StatusCodes.Status200OK)]
    [InlineData(RetrainStatus.Busy, null, StatusCodes.Status409Conflict)]
    [InlineData(RetrainStatus.Failed, RetrainFailure.Conflict, StatusCodes.Status409Conflict)]
    [InlineData(RetrainStatus.Failed, RetrainFailure.DataChanged, StatusCodes.Status409Conflict)]
    [InlineData(RetrainStatus.Failed, RetrainFailure.Data, StatusCodes.Status422UnprocessableEntity)]
    [InlineData(RetrainStatus.Failed, RetrainFailure.Training, StatusCodes.Status422UnprocessableEntity)]
    [InlineData(RetrainStatus.Failed, RetrainFailure.Storage, StatusCodes.Status503ServiceUnavailable)]
    public void Each_outcome_has_its_status(RetrainStatus status, RetrainFailure? failure, int expected)
    {
        var outcome = new RetrainOutcome { Model = "m", Status = status, Failure = failure, Reasons = ["what happened", "what it left"] };

        var answer = RetrainEndpoint.Answer(outcome, retryAfterSeconds: 10);

        Assert.Equal(expected, Assert.IsAssignableFrom<IStatusCodeHttpResult>(answer).StatusCode ?? StatusCodes.Status200OK);
    }

    [Fact]
    public void Reasons_read_as_one_line_without_doubled_stops()
    {
        var outcome = new RetrainOutcome { Model = "m", Status = RetrainStatus.Failed, Reasons = ["Version 0003 of m already exists.", "this run promoted nothing"] };

        Assert.Equal("Version 0003 of m already exists; this run promoted nothing", outcome.Describe());
    }
}
