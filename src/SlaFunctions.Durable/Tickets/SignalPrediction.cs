using NodaTime;
using SlaFunctions.Core.Json;
using SlaFunctions.Core.Service;
using SlaFunctions.Core.Tracking;
using SlaFunctions.Core.Validation;

namespace SlaFunctions.Durable.Tickets;

/// <summary>
/// The answer to a ticket command on the durable backend, where the orchestration applies the event a moment
/// later: the same fold the orchestration runs, on the stored snapshot, at the same instant. Invalid input is
/// refused here, with the same errors as the polling backend, before anything is sent.
/// </summary>
public static class SignalPrediction
{
    public static SlaChange Predict(TicketSla sla, TicketEvent e, Receipt receipt, Duration futureTolerance)
    {
        ArgumentNullException.ThrowIfNull(sla);
        ArgumentNullException.ThrowIfNull(e);
        var now = receipt.At;
        if (e.At > now + futureTolerance)
        {
            throw new InvalidInputException(
                "at",
                $"is in the future ({IsoText.Format(e.At)}; now is {IsoText.Format(now)})"
            );
        }

        var result = sla.Apply(e, receipt);
        if (result.Effect == EventEffect.Duplicate)
        {
            return new SlaChange(result.Effect, result.Reason, sla.StatusNow(now), []);
        }

        var firing = result.Sla.FireDueBefore(now);
        return new SlaChange(result.Effect, result.Reason, firing.Sla.StatusNow(now), firing.Fired);
    }
}
