using NodaTime;
using SlaFunctions.Core.Calendars;
using SlaFunctions.Testing.Samples;
using static SlaFunctions.Testing.Samples.Calendars;

namespace SlaFunctions.Core.Tests.Calendars;

public class BusinessCalendarTests
{
    private const string NewYork = "America/New_York";

    [Fact]
    public void Business_time_counts_only_open_hours()
    {
        var calendar = Weekdays9To5();
        // Friday 16:00 to Monday 09:00 local: one business hour, not 65 wall-clock hours.
        var friday4pm = At.Local(NewYork, "2026-03-06T16:00:00");
        var monday9am = At.Local(NewYork, "2026-03-09T09:00:00");

        Assert.Equal(Duration.FromHours(1), calendar.BusinessTimeBetween(friday4pm, monday9am));
    }

    [Fact]
    public void Adding_business_time_that_ends_at_closing_time_is_due_at_closing_time()
    {
        var calendar = Weekdays9To5();
        var friday4pm = At.Local(NewYork, "2026-03-06T16:00:00");

        Assert.Equal(
            At.Local(NewYork, "2026-03-06T17:00:00"),
            calendar.AddBusinessTime(friday4pm, Duration.FromHours(1))
        );
        Assert.Equal(
            At.Local(NewYork, "2026-03-09T09:01:00"),
            calendar.AddBusinessTime(friday4pm, Duration.FromMinutes(61))
        );
    }

    [Fact]
    public void Starting_outside_hours_counts_from_the_next_opening()
    {
        var calendar = Weekdays9To5();
        var saturday = At.Local(NewYork, "2026-03-07T12:00:00");

        Assert.Equal(
            At.Local(NewYork, "2026-03-09T09:30:00"),
            calendar.AddBusinessTime(saturday, Duration.FromMinutes(30))
        );
        Assert.Equal(saturday, calendar.AddBusinessTime(saturday, Duration.Zero));
    }

    [Fact]
    public void A_whole_day_across_spring_forward_is_23_hours_and_across_fall_back_25()
    {
        var calendar = Daily(NewYork, AllDays, "00:00", "24:00");

        Assert.Equal(Duration.FromHours(23), WholeLocalDay(calendar, NewYork, "2026-03-08"));
        Assert.Equal(Duration.FromHours(25), WholeLocalDay(calendar, NewYork, "2026-11-01"));
        Assert.Equal(Duration.FromHours(24), WholeLocalDay(calendar, NewYork, "2026-11-02"));
    }

    [Fact]
    public void A_start_in_the_spring_forward_gap_maps_to_the_end_of_the_gap()
    {
        // 02:30-03:30 on 2026-03-08 in New York: 02:30 does not exist, so the interval opens at 03:00 EDT.
        var calendar = Daily(NewYork, [IsoDayOfWeek.Sunday], "02:30", "03:30");
        var day = At.Utc("2026-03-08T00:00:00Z");

        Assert.Equal(Duration.FromMinutes(30), calendar.BusinessTimeBetween(day, day + Duration.FromDays(1)));
        Assert.Equal(
            At.Utc("2026-03-08T07:00:00Z"),
            calendar.AddBusinessTime(day, Duration.Zero + Duration.FromTicks(1)) - Duration.FromTicks(1)
        );
    }

    [Fact]
    public void An_ambiguous_fall_back_time_maps_to_the_earlier_instant()
    {
        // 01:30-03:00 on 2026-11-01: 01:30 happens twice; the earlier (EDT) counts, so the interval is 2.5 hours.
        var calendar = Daily(NewYork, [IsoDayOfWeek.Sunday], "01:30", "03:00");
        var day = At.Utc("2026-11-01T00:00:00Z");

        Assert.Equal(Duration.FromMinutes(150), calendar.BusinessTimeBetween(day, day + Duration.FromDays(1)));
        Assert.Equal(
            At.Utc("2026-11-01T05:30:00Z"),
            calendar.AddBusinessTime(day, Duration.FromNanoseconds(1)) - Duration.FromNanoseconds(1)
        );
    }

    [Fact]
    public void An_overnight_interval_runs_into_the_next_day()
    {
        var calendar = Daily("Europe/London", [IsoDayOfWeek.Friday], "22:00", "06:00");
        var friday = At.Local("Europe/London", "2026-06-05T00:00:00");

        Assert.Equal(Duration.FromHours(8), calendar.BusinessTimeBetween(friday, friday + Duration.FromDays(2)));
        Assert.Equal(
            At.Local("Europe/London", "2026-06-06T01:00:00"),
            calendar.AddBusinessTime(friday, Duration.FromHours(3))
        );
    }

    [Fact]
    public void A_holiday_splits_an_overnight_interval_at_midnight()
    {
        var saturday = new Holiday(new LocalDate(2026, 6, 6));
        var calendar = Daily("Europe/London", [IsoDayOfWeek.Friday], "22:00", "06:00", saturday);
        var friday = At.Local("Europe/London", "2026-06-05T00:00:00");

        Assert.Equal(Duration.FromHours(2), calendar.BusinessTimeBetween(friday, friday + Duration.FromDays(2)));
    }

    [Fact]
    public void Sunday_overnight_hours_wrap_into_monday()
    {
        var calendar = Daily("Asia/Kolkata", [IsoDayOfWeek.Sunday], "20:00", "02:00");
        var sunday = At.Local("Asia/Kolkata", "2026-06-07T00:00:00");

        Assert.Equal(Duration.FromHours(6), calendar.BusinessTimeBetween(sunday, sunday + Duration.FromDays(2)));
    }

    [Fact]
    public void Split_days_skip_the_lunch_break()
    {
        var calendar = new BusinessCalendar(
            DateTimeZoneProviders.Tzdb[NewYork],
            Weekdays.SelectMany(d => new[] { Interval(d, "09:00", "12:00"), Interval(d, "13:00", "17:00") }),
            []
        );
        var monday = At.Local(NewYork, "2026-06-08T11:00:00");

        Assert.Equal(
            At.Local(NewYork, "2026-06-08T13:30:00"),
            calendar.AddBusinessTime(monday, Duration.FromMinutes(90))
        );
        Assert.Equal(
            Duration.FromHours(7),
            calendar.BusinessTimeBetween(
                At.Local(NewYork, "2026-06-08T00:00:00"),
                At.Local(NewYork, "2026-06-09T00:00:00")
            )
        );
    }

    [Fact]
    public void One_off_and_recurring_holidays_remove_the_whole_local_date()
    {
        var calendar = Weekdays9To5(
            NewYork,
            new Holiday(new LocalDate(2020, 12, 25), Recurring: true, Name: "Christmas"),
            new Holiday(new LocalDate(2026, 12, 24), Name: "Christmas Eve")
        );
        var wednesday = At.Local(NewYork, "2026-12-23T16:00:00");

        // 1 hour on Wednesday, Thursday 24th and Friday 25th are holidays, next open hour is Monday 28th.
        Assert.Equal(
            At.Local(NewYork, "2026-12-28T10:00:00"),
            calendar.AddBusinessTime(wednesday, Duration.FromHours(2))
        );
        // The one-off holiday does not recur; Christmas does.
        Assert.Equal(
            Duration.FromHours(8),
            calendar.BusinessTimeBetween(
                At.Local(NewYork, "2027-12-24T00:00:00"),
                At.Local(NewYork, "2027-12-25T00:00:00")
            )
        );
        Assert.Equal(
            Duration.Zero,
            calendar.BusinessTimeBetween(
                At.Local(NewYork, "2031-12-25T00:00:00"),
                At.Local(NewYork, "2031-12-26T00:00:00")
            )
        );
    }

    [Fact]
    public void A_24x7_calendar_counts_everything_and_ignores_holidays()
    {
        var calendar = new BusinessCalendar(
            DateTimeZoneProviders.Tzdb[NewYork],
            [],
            [new Holiday(new LocalDate(2026, 12, 25), true)],
            is24x7: true
        );
        var christmas = At.Local(NewYork, "2026-12-25T00:00:00");

        Assert.Equal(Duration.FromDays(1), calendar.BusinessTimeBetween(christmas, christmas + Duration.FromDays(1)));
        Assert.Equal(christmas + Duration.FromMinutes(7), calendar.AddBusinessTime(christmas, Duration.FromMinutes(7)));
    }

    [Fact]
    public void The_day_Samoa_skipped_has_no_business_time()
    {
        // Pacific/Apia jumped from 2011-12-29 to 2011-12-31: the local 30th never happened.
        var calendar = Daily("Pacific/Apia", AllDays, "09:00", "17:00");
        var thursday = At.Local("Pacific/Apia", "2011-12-29T16:00:00");

        Assert.Equal(
            At.Local("Pacific/Apia", "2011-12-31T10:00:00"),
            calendar.AddBusinessTime(thursday, Duration.FromHours(2))
        );
    }

    [Fact]
    public void Half_hour_daylight_saving_in_Lord_Howe_is_counted()
    {
        const string lordHowe = "Australia/Lord_Howe";
        var calendar = Daily(lordHowe, AllDays, "00:00", "24:00");

        // Clocks go forward 30 minutes at 02:00 on 2026-10-04.
        Assert.Equal(Duration.FromMinutes(23 * 60 + 30), WholeLocalDay(calendar, lordHowe, "2026-10-04"));
    }

    [Fact]
    public void A_calendar_without_open_time_never_reaches_a_target()
    {
        var calendar = Weekdays9To5(
            NewYork,
            [
                .. Enumerable
                    .Range(1, 7)
                    .Select(d => new Holiday(new LocalDate(2024, 1, 1).PlusDays(d), Recurring: false)),
            ]
        );
        var emptyWeek = new BusinessCalendar(
            DateTimeZoneProviders.Tzdb[NewYork],
            [Interval(IsoDayOfWeek.Monday, "09:00", "10:00")],
            [new Holiday(new LocalDate(2024, 1, 1), Recurring: true)]
        );

        Assert.NotNull(calendar.AddBusinessTime(At.Utc("2024-01-01T00:00:00Z"), Duration.FromHours(1)));
        Assert.Equal(
            Duration.Zero,
            emptyWeek.BusinessTimeBetween(At.Utc("2024-01-01T00:00:00Z"), At.Utc("2024-01-02T00:00:00Z"))
        );
    }

    [Fact]
    public void Empty_and_overlapping_intervals_are_rejected()
    {
        var zone = DateTimeZoneProviders.Tzdb[NewYork];

        Assert.Throws<ArgumentException>(() =>
            new BusinessCalendar(zone, [Interval(IsoDayOfWeek.Monday, "09:00", "09:00")], [])
        );
        Assert.Throws<ArgumentException>(() =>
            new BusinessCalendar(
                zone,
                [Interval(IsoDayOfWeek.Monday, "09:00", "12:00"), Interval(IsoDayOfWeek.Monday, "11:00", "13:00")],
                []
            )
        );
        Assert.Throws<ArgumentException>(() =>
            new BusinessCalendar(
                zone,
                [Interval(IsoDayOfWeek.Sunday, "22:00", "06:00"), Interval(IsoDayOfWeek.Monday, "05:00", "09:00")],
                []
            )
        );
        _ = new BusinessCalendar(
            zone,
            [Interval(IsoDayOfWeek.Monday, "09:00", "12:00"), Interval(IsoDayOfWeek.Monday, "12:00", "13:00")],
            []
        );
    }

    private static Duration WholeLocalDay(BusinessCalendar calendar, string zone, string date)
    {
        var start = At.Local(zone, $"{date}T00:00:00");
        var next = LocalDate
            .FromDateTime(DateTime.Parse(date, System.Globalization.CultureInfo.InvariantCulture))
            .PlusDays(1);
        var end = next.AtStartOfDayInZone(DateTimeZoneProviders.Tzdb[zone]).ToInstant();
        return calendar.BusinessTimeBetween(start, end);
    }
}
