using System.Text;

namespace ServerlessMl.Cli.Tests.Score;

/// <summary>Reads RFC 4180 CSV (quoted fields, doubled quotes, line breaks inside quotes), independently of the writer under test.</summary>
internal static class Csv
{
    public static List<string[]> Read(string path) => Parse(File.ReadAllText(path));

    public static List<string[]> Parse(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        var rows = new List<string[]>();
        var fields = new List<string>();
        var field = new StringBuilder();
        var quoted = false;
        for (var i = 0; i < text.Length; i++)
        {
            var c = text[i];
            if (quoted)
            {
                if (c == '"' && i + 1 < text.Length && text[i + 1] == '"')
                {
                    field.Append('"');
                    i++;
                }
                else if (c == '"')
                {
                    quoted = false;
                }
                else
                {
                    field.Append(c);
                }
            }
            else if (c == '"' && field.Length == 0)
            {
                quoted = true;
            }
            else if (c == ',')
            {
                fields.Add(field.ToString());
                field.Clear();
            }
            else if (c == '\n')
            {
                fields.Add(field.ToString());
                field.Clear();
                rows.Add([.. fields]);
                fields.Clear();
            }
            else
            {
                field.Append(c);
            }
        }

        Assert.True(!quoted && field.Length == 0 && fields.Count == 0, "the CSV does not end with a line break after a whole row");
        return rows;
    }
}
