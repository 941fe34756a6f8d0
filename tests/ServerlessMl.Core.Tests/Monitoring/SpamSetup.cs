using ServerlessMl.Definitions;
using ServerlessMl.Testing;
using ServerlessMl.Training;

namespace ServerlessMl.Core.Tests.Monitoring;

/// <summary>A spam champion from synthetic messages, for tests about text.</summary>
internal static class SpamSetup
{
    public const string Model = Models.SmsSpam.SmsSpamModel.ModelName;

    public static async Task TrainAsync(TestApp app)
    {
        var file = Path.Combine(Path.GetTempPath(), "serverless-ml-tests", Guid.NewGuid().ToString("N") + ".tsv");
        Directory.CreateDirectory(Path.GetDirectoryName(file)!);
        try
        {
            SyntheticSms.Write(file, 600);
            var definition = app.Get<ModelCatalog>().Get(Model);
            await app.Get<TrainingDataUploader>().UploadAsync(Model, LocalDataFiles.Open(file, file, definition.Format, new DateOnly(2026, 1, 5)), false, null, default);
            var outcome = await app.Get<RetrainJob>().RunAsync(Model, "test setup", default);
            if (outcome.Status != RetrainStatus.Promoted)
            {
                throw new InvalidOperationException($"setup expected a promotion, got {outcome.Status}: {string.Join("; ", outcome.Reasons)}");
            }
        }
        finally
        {
            File.Delete(file);
        }
    }
}
