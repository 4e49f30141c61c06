"""notify: the sending pipeline, as small stages.

::

    outbox ──► claim ──► rate ──► breaker ──► send ──► record ──► outbox
             (skip if   (token    (open: hold  (sender  (sent / retry / held /
              acked)     buckets)  + fallback)  → value) failed + fallback + admins)

=============  ==============  ==========================================================
stage          module          in → out
=============  ==============  ==========================================================
claim          ``claim``       due rows + incident state → leased ``OutboxItem``\\ s
fallback       ``fallback``    a page that cannot go → pages on the person's other channels
rate           ``ratelimit``   free slots → how many each channel may claim now
breaker        ``breaker``     channel → send now, or ``Held`` (delay, error)
send           ``send``        ``OutboxItem`` → ``Sent`` | ``Temporary`` | ``Permanent``
record         ``record``      item + outcome → writes, and a ``Recorded`` (what it did)
=============  ==============  ==========================================================

``pipeline.Pipeline`` wires them; ``ports`` names the few outbox operations the stages
need (a Protocol: the store's ``Tx`` in production, an in-memory fake in unit tests).
Rate limits and circuit breakers are per process (see ``ratelimit``).
Decision: docs/decisions/0021-notify-pipeline-stages.md.
"""
