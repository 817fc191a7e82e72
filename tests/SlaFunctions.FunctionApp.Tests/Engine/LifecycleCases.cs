using System.Collections.Immutable;
using NodaTime;
using SlaFunctions.Core.Policies;
using SlaFunctions.Core.Rollouts;
using SlaFunctions.Core.Service;
using SlaFunctions.Core.Tracking;
using SlaFunctions.Core.Validation;
using SlaFunctions.Core.Workflow;
using SlaFunctions.Durable.Instances;
using SlaFunctions.Postgres.Rollouts;
using SlaFunctions.Testing.Postgres;

namespace SlaFunctions.FunctionApp.Tests.Engine;

/// <summary>
/// A ticket's life through the app's orchestrations on the real engine, each case on its own ticket. The cases
/// run concurrently (timers are real); each ends by comparing the stored notifications with what
/// <c>simulate</c> says for the same events, each stored once and published once.
/// </summary>
public abstract class LifecycleCases(EngineFixture engine)
{
    private static readonly Duration Second = Duration.FromSeconds(1);

    [Fact]
    public async Task Every_case_stores_what_simulate_says_once()
    {
        var cases = new (string Name, Func<TicketKey, Task> Run)[]
        {
            ("thresholds fire at their instants, late ones at once", ThresholdsAsync),
            ("pause and resume", PauseResumeAsync),
            ("respond, then continue as new after the phase change", RespondAsync),
            ("resolve ends the instance", ResolveAsync),
            ("reopen after the instance completed restarts it", ReopenAsync),
            ("cancel ends the instance", CancelAsync),
            ("priority change", PriorityAsync),
            ("duplicate and late signals", DuplicateAndLateAsync),
            ("a signal racing a timer", RaceAsync),
            ("a late response after the breach", LateResponseAsync),
            ("a late pause before a warning", LatePauseAsync),
            ("an event older than the tolerance", TooLateAsync),
            ("a rollout's change, signalled", RolloutAsync),
        };
        var only = Environment.GetEnvironmentVariable("SLA_ENGINE_CASES");
        var failures = await Task.WhenAll(
            cases
                .Where(c => only is null || c.Name.Contains(only, StringComparison.Ordinal))
                .Select(
                    async (c, i) =>
                    {
                        try
                        {
                            await c.Run(engine.Ticket($"case-{i}-{Guid.NewGuid():N}"[..20]));
                            return null;
                        }
                        catch (Exception e)
                        {
                            return $"{c.Name}: {e.GetType().Name}: {e.Message}";
                        }
                    }
                )
        );
        var failed = failures.Where(f => f is not null).ToList();
        Assert.True(failed.Count == 0, string.Join(Environment.NewLine, failed));
    }

    private async Task ThresholdsAsync(TicketKey ticket)
    {
        var t = EngineFixture.Now();
        var created = new TicketCreated(t - Duration.FromSeconds(100), "P1");
        await engine.StartAsync(ticket, "P1", created.At);
        var until = t + Duration.FromSeconds(21);
        var stored = await engine.SettledAsync(ticket, until, await engine.SimulatedAsync(ticket, [created], until));
        Assert.Equal(8, stored.Length); // response 50/75/90/100 and resolution 50/75 were due before the start; resolution 90/100 after
        foreach (var n in stored)
        {
            Assert.True(n.FiredAt >= n.DueAt, $"{n.Key} fired early, at {n.FiredAt}");
            var late = n.DueAt < t;
            // Bounded by the busy engine's latency, not the timer's: under the whole suite on two cores the test
            // host's two work-item slots queue a due timer for seconds (10 s seen).
            Assert.True(
                n.FiredAt - (late ? t : n.DueAt) < EngineFixture.SignalLatency,
                $"{n.Key} fired at {n.FiredAt} (started {t})"
            );
        }
    }

    private async Task PauseResumeAsync(TicketKey ticket)
    {
        var t = EngineFixture.Now();
        var created = new TicketCreated(t - Duration.FromSeconds(5), "P1");
        await engine.StartAsync(ticket, "P1", created.At);
        var pause = new TicketPaused(EngineFixture.Now(), "awaiting_client") { Id = $"{ticket.TicketId}-p" };
        await engine.SendAsync(ticket, pause);
        await WaitAsync(pause.At + Duration.FromSeconds(3));
        var resume = new TicketResumed(EngineFixture.Now(), "awaiting_client") { Id = $"{ticket.TicketId}-r" };
        await engine.SendAsync(ticket, resume);
        var until = resume.At + Duration.FromSeconds(27);
        await engine.SettledAsync(ticket, until, await engine.SimulatedAsync(ticket, [created, pause, resume], until));
    }

    private async Task RespondAsync(TicketKey ticket)
    {
        var t = EngineFixture.Now();
        var created = new TicketCreated(t - Duration.FromSeconds(5), "P1");
        await engine.StartAsync(ticket, "P1", created.At);
        var respond = new TicketResponded(EngineFixture.Now()) { Id = $"{ticket.TicketId}-a" };
        await engine.SendAsync(ticket, respond);
        var status = new TicketStatusChanged(EngineFixture.Now(), "in_progress") { Id = $"{ticket.TicketId}-s" };
        await engine.SendAsync(ticket, status);
        // The phase change made the execution continue as new at the next signal, from a snapshot that has the
        // response.
        await Eventually.HoldsAsync(
            $"{ticket.TicketId}: a new execution after the response",
            async () => (await engine.InputAsync(ticket)).Snapshot.Events.Contains(respond)
        );
        var until = t + Duration.FromSeconds(30); // response 50 % would have been due at 25 s
        await engine.SettledAsync(
            ticket,
            until,
            await engine.SimulatedAsync(ticket, [created, respond, status], until)
        );
    }

    private async Task ResolveAsync(TicketKey ticket)
    {
        var t = EngineFixture.Now();
        var created = new TicketCreated(t - Duration.FromSeconds(60), "P1");
        await engine.StartAsync(ticket, "P1", created.At);
        var resolve = new TicketResolved(EngineFixture.Now()) { Id = $"{ticket.TicketId}-z" };
        await engine.SendAsync(ticket, resolve);
        await Eventually.HoldsAsync(
            $"{ticket.TicketId}: completed",
            async () => await engine.StateAsync(ticket) == InstanceState.Completed
        );
        var until = t + Duration.FromSeconds(32);
        await engine.SettledAsync(ticket, until, await engine.SimulatedAsync(ticket, [created, resolve], until));
    }

    private async Task ReopenAsync(TicketKey ticket)
    {
        var t = EngineFixture.Now();
        var created = new TicketCreated(t - Duration.FromSeconds(5), "P3");
        await engine.StartAsync(ticket, "P3", created.At);
        var resolve = new TicketResolved(EngineFixture.Now()) { Id = $"{ticket.TicketId}-z" };
        await engine.SendAsync(ticket, resolve);
        await Eventually.HoldsAsync(
            $"{ticket.TicketId}: completed",
            async () => await engine.StateAsync(ticket) == InstanceState.Completed
        );
        var reopen = new TicketReopened(EngineFixture.Now()) { Id = $"{ticket.TicketId}-o" };
        await engine.SendAsync(ticket, reopen);
        var until = reopen.At + Duration.FromSeconds(31);
        var stored = await engine.SettledAsync(
            ticket,
            until,
            await engine.SimulatedAsync(ticket, [created, resolve, reopen], until)
        );
        Assert.Contains(stored, n => n.Key.StartsWith("resolution/2/warning/50/", StringComparison.Ordinal));
        Assert.True(
            await engine.StateAsync(ticket) == InstanceState.Running,
            "the restarted instance runs the new cycle"
        );
    }

    private async Task CancelAsync(TicketKey ticket)
    {
        var t = EngineFixture.Now();
        var created = new TicketCreated(t - Duration.FromSeconds(65), "P2");
        await engine.StartAsync(ticket, "P2", created.At);
        var cancel = new TicketCancelled(EngineFixture.Now()) { Id = $"{ticket.TicketId}-c" };
        await engine.SendAsync(ticket, cancel);
        await Eventually.HoldsAsync(
            $"{ticket.TicketId}: completed",
            async () => await engine.StateAsync(ticket) == InstanceState.Completed
        );
        var until = t + Duration.FromSeconds(30); // response 75 % would have been due at 25 s
        await engine.SettledAsync(ticket, until, await engine.SimulatedAsync(ticket, [created, cancel], until));
    }

    private async Task PriorityAsync(TicketKey ticket)
    {
        var t = EngineFixture.Now();
        var created = new TicketCreated(t - Duration.FromSeconds(65), "P2");
        await engine.StartAsync(ticket, "P2", created.At);
        var change = new TicketPriorityChanged(EngineFixture.Now(), "P1") { Id = $"{ticket.TicketId}-1" };
        await engine.SendAsync(ticket, change);
        var until = t + Duration.FromSeconds(30);
        await engine.SettledAsync(ticket, until, await engine.SimulatedAsync(ticket, [created, change], until));
    }

    /// <summary>
    /// The same response twice is applied once. A status that pauses, reported late at an instant before
    /// notifications that fired meanwhile, lands in its place: what it makes untrue is retracted once, what still
    /// holds stays, nothing fires twice.
    /// </summary>
    private async Task DuplicateAndLateAsync(TicketKey ticket)
    {
        var t = EngineFixture.Now();
        var created = new TicketCreated(t - Duration.FromSeconds(65), "P1");
        await engine.StartAsync(ticket, "P1", created.At);
        var respond = new TicketResponded(EngineFixture.Now()) { Id = $"{ticket.TicketId}-a" };
        await engine.SendAsync(ticket, respond);
        await engine.Service.ApplyAsync(ticket, respond with { At = EngineFixture.Now() }); // the API answers it as a duplicate
        var instances = new DurableInstances(engine.Client);
        await instances.RaiseAsync(SlaInstanceId.For(ticket), new SlaSignal(respond), CancellationToken.None); // a redelivery
        var firedBefore = (await engine.StoredAsync(ticket)).Select(n => n.Key).ToList();
        var late = new TicketStatusChanged(t - Duration.FromSeconds(10), "awaiting_client")
        {
            Id = $"{ticket.TicketId}-s",
        };
        await engine.SendAsync(ticket, late);
        var until = t + Duration.FromSeconds(30);
        var simulated = await engine.SimulatedAsync(ticket, [created, late, respond], until);
        var untrue = firedBefore.Except(simulated).ToList();
        Assert.True(untrue.Count > 0, "the late pause makes something that fired untrue");
        await engine.SettledAsync(
            ticket,
            until,
            simulated.Union(firedBefore).Union(untrue.Select(EngineFixture.RetractionOf))
        );
        Assert.Single(await engine.EventsAsync(ticket), e => e.Id == respond.Id);
    }

    /// <summary>
    /// A response at exactly the breach instant, sent as the breach timer fires: met if it wins, else the breach fires
    /// and is retracted once the response lands.
    /// </summary>
    private async Task RaceAsync(TicketKey ticket)
    {
        var t = EngineFixture.Now();
        var created = new TicketCreated(t - Duration.FromSeconds(55), "P1");
        await engine.StartAsync(ticket, "P1", created.At);
        var due = created.At + Duration.FromMinutes(1);
        await WaitAsync(due);
        var respond = new TicketResponded(due) { Id = $"{ticket.TicketId}-a" };
        await engine.SendAsync(ticket, respond);
        var until = t + Duration.FromSeconds(12);
        var met = await engine.SimulatedAsync(ticket, [created, respond], until);
        var breach = EngineFixture.Key(
            Core.Policies.SlaPhase.Response,
            1,
            Core.Policies.NotificationKind.Breach,
            100,
            null,
            due
        );
        await engine.SettledAsync(ticket, until, met, met.Add(breach).Add(EngineFixture.RetractionOf(breach)));
    }

    /// <summary>
    /// A response dated before the breach the start fired, reported after it: the phase is met and the breach
    /// retracted, each published once.
    /// </summary>
    private async Task LateResponseAsync(TicketKey ticket)
    {
        var t = EngineFixture.Now();
        var created = new TicketCreated(t - Duration.FromSeconds(65), "P1");
        await engine.StartAsync(ticket, "P1", created.At);
        var breach = Assert.Single(
            await engine.StoredAsync(ticket),
            n => n.Key.StartsWith("response/1/breach/", StringComparison.Ordinal)
        );
        var respond = new TicketResponded(t - Duration.FromSeconds(8)) { Id = $"{ticket.TicketId}-a" };
        await engine.SendAsync(ticket, respond);
        var until = t + Duration.FromSeconds(10);
        var simulated = await engine.SimulatedAsync(ticket, [created, respond], until);
        Assert.DoesNotContain(breach.Key, simulated);
        await engine.SettledAsync(ticket, until, simulated.Add(breach.Key).Add(EngineFixture.RetractionOf(breach.Key)));
        var status = (await engine.Store.LoadAsync(ticket))!.Sla.StatusAt(until);
        Assert.Equal(PhaseOutcome.Met, status.Phases.Single(p => p.Phase == SlaPhase.Response).Outcome);
    }

    /// <summary>
    /// A pause dated before the warning the start fired: the warning is retracted and fires again, in its next
    /// revision, at its instant moved by the pause. On a busy engine the pause may land only after the 75 % warning
    /// (due 10 s after the start) fired; that warning is then retracted too.
    /// </summary>
    private async Task LatePauseAsync(TicketKey ticket)
    {
        var t = EngineFixture.Now();
        var created = new TicketCreated(t - Duration.FromSeconds(35), "P1");
        await engine.StartAsync(ticket, "P1", created.At);
        var warning = Assert.Single(
            await engine.StoredAsync(ticket),
            n => n.Key.StartsWith("response/1/warning/50/", StringComparison.Ordinal)
        );
        var pause = new TicketPaused(t - Duration.FromSeconds(10), "vendor") { Id = $"{ticket.TicketId}-p" };
        await engine.SendAsync(ticket, pause);
        var resume = new TicketResumed(EngineFixture.Now(), "vendor") { Id = $"{ticket.TicketId}-r" };
        await engine.SendAsync(ticket, resume);
        var until = resume.At + Duration.FromSeconds(8);
        var simulated = await engine.SimulatedAsync(ticket, [created, pause, resume], until);
        Assert.Contains(simulated, k => k.StartsWith("response/1/warning/50/", StringComparison.Ordinal));
        Assert.DoesNotContain(warning.Key, simulated);
        var expected = simulated.Add(warning.Key).Add(EngineFixture.RetractionOf(warning.Key));
        var unpaused75 = (await engine.SimulatedAsync(ticket, [created], created.At + Duration.FromMinutes(1))).Single(
            k => k.StartsWith("response/1/warning/75/", StringComparison.Ordinal)
        );
        Assert.DoesNotContain(unpaused75, simulated);
        await engine.SettledAsync(
            ticket,
            until,
            expected,
            expected.Add(unpaused75).Add(EngineFixture.RetractionOf(unpaused75))
        );
    }

    /// <summary>
    /// A rollout of a shorter response target, applied by the maintenance timer's worker to a durable ticket and to its
    /// twin on the polling backend: the change reaches the orchestration as a signal and the twin's row in the batch,
    /// and both fire the thresholds where <c>simulate</c> puts them with the change. The tickets are on a policy of
    /// their own, so that the other cases' tickets are not rolled out.
    /// </summary>
    private async Task RolloutAsync(TicketKey ticket)
    {
        var t = EngineFixture.Now();
        var polling = new SlaHarness(engine.DataSource, t);
        await polling.Definitions.PutPolicyAsync(engine.Tenant, "rollout", RolloutPolicy(2));
        var created = new TicketCreated(t - Duration.FromSeconds(20), "P1");
        var start = new StartRequest("P1", PolicyId: "rollout", CreatedAt: created.At);
        await engine.Service.StartAsync(ticket, start);
        var twin = engine.Ticket($"{ticket.TicketId}-p");
        await polling.Service.StartAsync(twin, start);
        await polling.Definitions.PutPolicyAsync(engine.Tenant, "rollout", RolloutPolicy(1));
        var started = await engine.Rollouts.StartAsync(
            engine.Tenant,
            new RolloutPlan(new PolicyRef("rollout", 2), EngineFixture.Now())
        );
        await Eventually.HoldsAsync(
            $"{ticket.TicketId}: the rollout done",
            async () =>
            {
                await engine.Rollouts.ApplyBatchAsync(engine.RolloutDelivery);
                return (await engine.Rollouts.GetAsync(engine.Tenant, started.Id))!.State == RolloutState.Done;
            }
        );
        TicketDefinitionsChanged? change = null;
        await Eventually.HoldsAsync(
            $"{ticket.TicketId}: the change stored",
            async () =>
                (change = (await engine.EventsAsync(ticket)).OfType<TicketDefinitionsChanged>().SingleOrDefault())
                    is not null
        );
        Assert.Equal(RolloutRuns.ChangeId(started.Id), change!.Id);
        var until = t + Duration.FromSeconds(36);
        var simulated = await engine.SimulatedAsync(ticket, [created, change], until);
        Assert.NotEqual(await engine.SimulatedAsync(ticket, [created], until), simulated);
        Assert.Contains(simulated, k => k.StartsWith("response/1/warning/90/", StringComparison.Ordinal));
        await engine.SettledAsync(ticket, until, simulated);
        polling.Clock.Reset(until);
        await SlaHarness.DrainAsync(polling.Engine());
        Assert.Equal(simulated, (await engine.StoredAsync(twin, until)).Select(n => n.Key).ToImmutableSortedSet());
    }

    /// <summary>On the tenant's "ny" calendar (24x7): a P1 response in <paramref name="minutes"/> minutes.</summary>
    private static string RolloutPolicy(int minutes) =>
        $$"""{ "calendar": "ny", "targets": { "P1": { "responseMinutes": {{minutes}}, "resolutionMinutes": 30 } } }""";

    /// <summary>A response dated before the breach and older than the tolerance: refused, nothing changes, audited.</summary>
    private async Task TooLateAsync(TicketKey ticket)
    {
        var t = EngineFixture.Now();
        var created = new TicketCreated(t - Duration.FromMinutes(30), "P1");
        await engine.StartAsync(ticket, "P1", created.At);
        // Before the breach the start fired (a minute after the creation), 29½ minutes ago.
        var respond = new TicketResponded(created.At + Duration.FromSeconds(30)) { Id = $"{ticket.TicketId}-a" };

        var refused = await Assert.ThrowsAsync<InvalidInputException>(() => engine.Service.ApplyAsync(ticket, respond));

        Assert.True(refused.IsTooLate, refused.Message);
        var until = t + Duration.FromSeconds(5);
        await engine.SettledAsync(ticket, until, await engine.SimulatedAsync(ticket, [created], until));
        Assert.DoesNotContain(respond, await engine.EventsAsync(ticket));
        await using var audit = engine.DataSource.CreateCommand(
            "select count(*) from audit_log where tenant_id = $1 and ticket_id = $2 and action = 'too_late'"
        );
        audit.Parameters.Add(new() { Value = ticket.TenantId });
        audit.Parameters.Add(new() { Value = ticket.TicketId });
        Assert.Equal(1L, await audit.ExecuteScalarAsync());
    }

    internal static async Task WaitAsync(Instant instant)
    {
        while (EngineFixture.Now() < instant)
        {
            await Task.Delay(TimeSpan.FromMilliseconds(50));
        }
    }
}

public sealed class InMemoryLifecycleTests(InMemoryEngine engine)
    : LifecycleCases(engine),
        IClassFixture<InMemoryEngine>;

public sealed class AzureStorageLifecycleTests(AzureStorageEngine engine)
    : LifecycleCases(engine),
        IClassFixture<AzureStorageEngine>;
