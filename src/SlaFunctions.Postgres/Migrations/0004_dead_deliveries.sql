-- A delivery that used up its attempts is dead: operators list dead deliveries per tenant, oldest first, and send
-- them again. dead_at says when it died; rows that died before this migration take their last attempt's time.
alter table outbox add column dead_at timestamptz;
update outbox set dead_at = next_attempt_at where state = 'dead';
create index outbox_dead on outbox (tenant_id, dead_at, notification_id, sink) where state = 'dead';
