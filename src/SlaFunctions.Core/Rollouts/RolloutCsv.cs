using System.Globalization;
using System.Text;
using SlaFunctions.Core.Json;

namespace SlaFunctions.Core.Rollouts;

/// <summary>A rollout's dry-run page as CSV, as the API answers it and the command line prints it.</summary>
public static class RolloutCsv
{
    /// <summary>One row per live phase of each ticket of the page (one row without a phase for a skipped ticket).</summary>
    public static string Write(RolloutPreviewPage page)
    {
        var csv = new StringBuilder();
        csv.Append(
            "ticketId,priority,effect,skipped,phase,cycle,dueBefore,dueAfter,stateBefore,stateAfter,firesAtChange\r\n"
        );
        foreach (var ticket in page.Tickets)
        {
            var phases = ticket.Phases.IsEmpty ? [null] : ticket.Phases.Select(p => (PhasePreview?)p).ToList();
            foreach (var phase in phases)
            {
                csv.AppendJoin(
                    ',',
                    CsvText.Field(ticket.TicketId),
                    CsvText.Field(ticket.Priority),
                    WireNames.Of(ticket.Effect),
                    CsvText.Field(ticket.Skipped ?? string.Empty),
                    phase is null ? string.Empty : WireNames.Of(phase.Phase),
                    phase?.Cycle.ToString(CultureInfo.InvariantCulture) ?? string.Empty,
                    phase?.DueBefore is { } before ? IsoText.Format(before) : string.Empty,
                    phase?.DueAfter is { } after ? IsoText.Format(after) : string.Empty,
                    phase?.StateBefore is { } was ? WireNames.Of(was) : string.Empty,
                    phase?.StateAfter is { } becomes ? WireNames.Of(becomes) : string.Empty,
                    ticket
                        .FiresAtChange.Count(f => phase is not null && f.Phase == phase.Phase && f.Cycle == phase.Cycle)
                        .ToString(CultureInfo.InvariantCulture)
                );
                csv.Append("\r\n");
            }
        }

        return csv.ToString();
    }
}
