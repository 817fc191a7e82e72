using NodaTime;

namespace SlaFunctions.Core.Calendars;

/// <summary>A local date without business time; when recurring, the same month and day every year.</summary>
public sealed record Holiday(LocalDate Date, bool Recurring = false, string? Name = null);
