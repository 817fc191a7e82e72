-- A late event can make fired notifications untrue (SPEC §2 "Late events"): each is withdrawn by a retraction,
-- and its slot may fire again in the next revision. A slot has one notification per revision; a notification has
-- at most one retraction (the retraction repeats the slot's columns and revision, and names what it withdraws).
alter table notifications add column revision integer not null default 0;
alter table notifications add column retracts uuid references notifications;
alter table notifications drop constraint notifications_kind_check;
alter table notifications add constraint notifications_kind_check
    check (kind in ('warning', 'breach', 'escalation', 'retraction'));
alter table notifications add constraint notifications_retraction_check
    check ((kind = 'retraction') = (retracts is not null));
alter table notifications drop constraint notifications_tenant_id_ticket_id_cycle_phase_kind_ordinal_key;
create unique index notifications_one_per_revision on notifications (tenant_id, ticket_id, cycle, phase, kind, ordinal, revision)
    where kind <> 'retraction';
create unique index notifications_one_retraction on notifications (retracts) where retracts is not null;
