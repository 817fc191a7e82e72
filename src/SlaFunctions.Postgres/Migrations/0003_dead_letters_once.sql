-- A retried input (a client re-posting a batch, a Service Bus redelivery, a durable activity retry) must not
-- list the same dead-letter twice: one row per tenant, event id and reason. Rows without an event id have
-- nothing to recognise them by and stay as they come. Copies already stored are identical but for their
-- time; the first is kept.
delete from dead_letters later
 using dead_letters earlier
 where later.tenant_id = earlier.tenant_id
   and later.event_id = earlier.event_id
   and later.reason = earlier.reason
   and later.dead_letter_id > earlier.dead_letter_id;

create unique index dead_letters_once on dead_letters (tenant_id, event_id, reason) where event_id is not null;
