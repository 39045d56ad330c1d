"""The email outbox (issue 23): what is queued (`tasking.projections.outbox`), what a message may
say (`message`), how it reaches the SMTP relay (`smtp`) and the sender's claim-send-record loop
(`sender`)."""
