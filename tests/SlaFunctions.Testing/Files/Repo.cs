namespace SlaFunctions.Testing.Files;

/// <summary>Files of the repository, found from the test's output folder.</summary>
public static class Repo
{
    public static string Path(string relative)
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(System.IO.Path.Combine(dir.FullName, "SlaFunctions.sln")))
            {
                return System.IO.Path.Combine(dir.FullName, relative);
            }
        }

        throw new DirectoryNotFoundException("SlaFunctions.sln not found above the test folder.");
    }
}
