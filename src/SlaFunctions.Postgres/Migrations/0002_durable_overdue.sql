-- The durable backend's reconciler looks for durable tickets whose wake-up is well past (their orchestration
-- should have moved it): like the polling claim, its cost depends on the overdue rows, not on all tickets.
create index ticket_slas_durable_due on ticket_slas (next_wake_at) where backend = 'durable' and next_wake_at is not null;
