using FsCheck;
using FsCheck.Fluent;
using SlaFunctions.Core.Calendars;
using SlaFunctions.Core.Json;
using SlaFunctions.Core.Policies;
using SlaFunctions.Testing.Samples;

namespace SlaFunctions.Core.Tests.Policies;

public class DefinitionJsonTests
{
    [Fact]
    public void A_written_policy_and_calendar_read_back_to_the_same_definitions()
    {
        Prop.ForAll(
                ScenarioGenerators.Scenario().ToArbitrary(),
                scenario =>
                {
                    var policy = scenario.Policy;
                    var calendarJson = CalendarJson.Write(policy.Calendar);
                    var policyJson = PolicyJson.Write(policy, "cal");
                    var read = new PolicyDefinition(policy.Ref, policyJson, calendarJson).Compile();

                    return CalendarJson.Write(read.Calendar) == calendarJson
                        && PolicyJson.Write(read, "cal") == policyJson
                        && read.Calendar.Hours.SequenceEqual(policy.Calendar.Hours)
                        && read.Calendar.Holidays.SequenceEqual(policy.Calendar.Holidays)
                        && read.Targets.Count == policy.Targets.Count
                        && read.Targets.All(t =>
                            policy.Targets[t.Key].Response == t.Value.Response
                            && policy.Targets[t.Key].Resolution == t.Value.Resolution
                            && policy.Targets[t.Key].Escalations.SequenceEqual(t.Value.Escalations)
                        );
                }
            )
            .Check(Config.QuickThrowOnFailure.WithMaxTest(300));
    }
}
