using Azure;
using Azure.Storage.Blobs.Models;
using ServerlessMl.Storage;

namespace ServerlessMl.Training;

/// <summary>Uploads local data files to <c>training-data/&lt;model&gt;/YYYY/MM/DD.&lt;ext&gt;</c>, one drop each.</summary>
internal sealed class TrainingDataUploader(TrainingDataSource source, Definitions.ModelCatalog catalog, TimeProvider time)
{
    /// <summary>
    /// Checks every file as the retrain job will (a bad one throws <see cref="DataValidationException"/>
    /// naming it and its row, before anything is uploaded), then uploads each; an existing blob is
    /// left alone unless <paramref name="overwrite"/>.
    /// </summary>
    /// <returns>How many blobs were written and how many already existed.</returns>
    public async Task<(int Written, int Existing)> UploadAsync(
        string model, IReadOnlyList<DataFile> files, bool overwrite, IProgress<string>? progress, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(files);
        new ModelTrainer(catalog.Get(model), new TrainingOptions(), time).CheckFiles(files);
        await source.Container.CreateIfNotExistsAsync(cancellationToken: cancellationToken);
        int written = 0, existing = 0;
        foreach (var file in files)
        {
            var name = DailyBlobName.For(model, file.Day, catalog.Get(model).Format.Extension);
            var options = new BlobUploadOptions
            {
                HttpHeaders = new BlobHttpHeaders { ContentType = catalog.Get(model).Format.Separator == '\t' ? "text/tab-separated-values" : "text/csv" },
                Conditions = overwrite ? null : new BlobRequestConditions { IfNoneMatch = ETag.All },
            };
            try
            {
                await source.Container.GetBlobClient(name).UploadAsync(file.LocalPath, options, cancellationToken);
                written++;
            }
            catch (RequestFailedException ex) when (ex.Status is 409 or 412)
            {
                existing++;
            }

            progress?.Report(name);
        }

        return (written, existing);
    }
}
